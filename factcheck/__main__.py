"""``python -m factcheck``: the same entry point as the `factcheck` command (see factcheck._entry)."""

from factcheck._entry import run

if __name__ == "__main__":
    run()
