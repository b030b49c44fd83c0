"""Named settings of the workbench (no magic numbers in the code that uses them)."""
from __future__ import annotations

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TOKEN_BYTES = 24  # a generated access token for a non-local address (secrets.token_urlsafe)
SECRET_BYTES = 32  # the per-start key that signs the session cookie (CSRF token, access)
MAX_REPORTS = 5000  # sample reports read at the most (a folder with more is cut, and the page says so)
MAX_SHARDS = 2  # worker processes holding the sample's facts (the engine runs only there)
TASK_TIMEOUT_S = 600  # a worker task that takes longer is abandoned (the worker is replaced)
WORKER_MAX_TASKS = 400  # a worker is replaced after this many tasks: engine rulesets cannot be freed
MAX_BASELINES = 4  # findings of this many packs kept per worker (the saved one and recent edits)
MAX_DIFF_ROWS = 1500  # impact rows sent to the page at the most (the totals count them all)
MAX_OPENED_TEXTS = 64  # file texts kept by sha, to splice an edit into the text as it was opened
MAX_EDIT_CHARS = 200_000  # a rule or profile edit longer than this is refused
MAX_REASON_CHARS = 500
MAX_NAME_CHARS = 80
CHANGELOG_NAME = "CHANGELOG.md"  # beside the rules (or profiles) when the folder is not a git repository
GIT_TIMEOUT_S = 30
