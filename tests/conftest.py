"""Test configuration: hypothesis profiles.

On CI (``CI=true``) examples are derived from the test names, so a run is
reproducible; locally every run explores new examples.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")
