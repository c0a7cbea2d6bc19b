"""The portal's settings for the test suite: the same as production's, with a fixed audit key.

The audit keyring is required when DEBUG is off, like SECRET_KEY. The suite signs with a known
key (and hands it to the processes it starts, through the environment) so that a test can forge
records with any other key and show that they are found.
"""

import os

TEST_AUDIT_KEYS = "test:fixed-audit-key-for-the-test-suite-only-0123456789"
for _name in ("AUDIT_KEY", "AUDIT_KEY_FILE"):
    os.environ.pop(_name, None)
os.environ["AUDIT_KEYS"] = TEST_AUDIT_KEYS
# The shares' master keyring: a fixed key, so that a test can read with another and be refused.
TEST_SHARE_MASTER_KEYS = "test:dGVzdC1vbmx5LXNoYXJlLW1hc3Rlci1rZXktMzJieXQ"
os.environ.pop("SHARE_MASTER_KEY_FILE", None)
os.environ["SHARE_MASTER_KEYS"] = TEST_SHARE_MASTER_KEYS

from portal_site.settings import *  # noqa: E402, F403
