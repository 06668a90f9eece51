"""``python -m kefu.notify --home DIR [--once]``: the sender alone.

The same passes as ``kefu notify run``, without loading the whole command
line first (a cron job every minute starts in a fraction of the time).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kefu.errors import KefuError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kefu.notify", description=__doc__)
    parser.add_argument("--home", type=Path, default=None, help="the workspace folder")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from kefu.notify.sender import Sender, run_forever
    from kefu.workspace import Workspace

    try:
        ws = Workspace.open(args.home)
        if args.once:
            print(Sender(ws).run_once().as_dict())
        else:
            run_forever(ws)
    except KefuError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
