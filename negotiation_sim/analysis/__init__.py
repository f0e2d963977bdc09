"""Analysis of games and outcomes: zero-sum vs positive-sum, bargaining, formats, coalitions."""
