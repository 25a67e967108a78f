"""``python -m factcheck``: the same entry point as the `factcheck` command (see factcheck._entry)."""

import sys

from factcheck._entry import main

if __name__ == "__main__":
    sys.exit(main())
