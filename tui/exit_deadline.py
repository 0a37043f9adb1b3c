"""Leaving at once: a deadline after which the process ends even while calls to AWS hang, and
the terminal handed back in the state it was found.

:func:`save_tty_mode` is called when the app starts; :func:`arm_exit_deadline` when the user
quits. Standard library only.
"""

from __future__ import annotations

#: How long a quit may take before the process is ended regardless (see :func:`arm_exit_deadline`).
EXIT_DEADLINE = 1.5


def arm_exit_deadline(seconds: float, code: int = 0) -> None:
    """End the process ``seconds`` from now if it is still alive: quitting must not wait for
    calls in flight to an AWS that hangs (botocore's timeouts and retries take minutes).

    A daemon timer: an exit that finishes sooner ends it with the process. Should the app not
    have handed the terminal back by then, it is restored here first (the tty's saved mode, the
    main screen, the cursor, mouse and paste reporting off).
    """
    import os
    import sys
    import threading

    saved = tty_mode()

    def hard_exit() -> None:
        try:
            if saved is not None:
                import termios

                fd, mode = saved
                termios.tcsetattr(fd, termios.TCSANOW, mode)
                os.write(fd, RESTORE_TERMINAL.encode())
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - leaving regardless
            pass
        finally:
            os._exit(code)

    timer = threading.Timer(seconds, hard_exit)
    timer.daemon = True
    timer.start()


#: Leave the alternate screen, show the cursor, stop mouse and bracketed-paste reporting.
RESTORE_TERMINAL = "\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l"

#: The terminal's mode before the app changed it (taken when :func:`run` starts).
_TTY_MODE: tuple[int, list] | None = None


def tty_mode() -> tuple[int, list] | None:
    return _TTY_MODE


def save_tty_mode() -> None:
    global _TTY_MODE
    try:
        import sys
        import termios

        fd = sys.__stdout__.fileno()
        _TTY_MODE = (fd, termios.tcgetattr(fd))
    except Exception:  # noqa: BLE001 - not a terminal: nothing to restore
        _TTY_MODE = None
