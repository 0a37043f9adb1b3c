"""Start-up: the AWS connection (with ``--demo``, the local AWS first), and the messages of the refresh layer.

:func:`connect` runs in a worker thread and reports its steps through a callback; the app
receives :class:`StartupProgress`, then :class:`Connected` or :class:`StartupFailed`. Each
refresh then posts :class:`RefreshStarted`, any number of :class:`RefreshProgress` (partial
snapshots while a start-up describes its rows) and one :class:`RefreshDone`. The names are
also importable from :mod:`tui.refresh`, which starts refreshing once connected.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from textual.message import Message


#: Seconds the start-up waits for the account's alias (IAM may be unreachable from a private
#: subnet that reaches STS through a VPC endpoint): past it, the id alone is shown.
ALIAS_WAIT = 2.0


@dataclass
class Connection:
    """How to reach AWS once the app has started (built in a worker, never on the UI thread)."""

    clients: object  # tui.aws.session.AwsClients
    profile: str | None
    account: str | None
    regions: tuple[str, ...]
    demo: object | None = None  # tui.demo.DemoAws while --demo runs
    #: Set when older history has landed after the connection was made (the demo backfills the
    #: newest minutes first): the refresher then re-reads the whole window once (per stage of
    #: :class:`Landings`).
    history: "threading.Event | Landings | None" = None
    #: The signed-in account's alias (iam:ListAccountAliases; "" : none, or it cannot be read).
    alias: str = ""

    @property
    def label(self) -> str | None:
        """The account as the status bar names it: ``"alias (id)"``, or the id alone."""
        from tui.model.accounts import account_label

        return account_label(self.account, self.alias)


class Landings:
    """History that lands in stages after the connection (the demo: its newest minutes, then the
    rest). ``is_set()`` once the next stage has landed; :meth:`rest` is what is still to land
    after what has (None: nothing). The refresher re-reads the window at each stage."""

    def __init__(self, *stages: threading.Event) -> None:
        self.stages = list(stages)

    def is_set(self) -> bool:
        return self.stages[0].is_set()

    def rest(self) -> "Landings | None":
        left = [e for e in self.stages if not e.is_set()]
        return Landings(*left) if left else None



class StartupProgress(Message):
    """A start-up step ("starting local AWS…", "seeding demo fleet…")."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Connected(Message):
    """The AWS connection is ready; refreshes can begin."""

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection


class StartupFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


# -- the refresh layer's messages (importable from tui.refresh) ------------------------------------

class RefreshStarted(Message):
    """A refresh began (the status bar shows a spinner)."""

    def __init__(self, panes: tuple) -> None:
        super().__init__()
        self.panes = panes


class RefreshProgress(Message):
    """A refresh's partial snapshot, posted while it goes on: the rows of the listings before
    their Describe calls, then each batch described (``report.partial``; its ``loading`` says
    what is still being described). The :class:`RefreshDone` that follows ends the refresh."""

    def __init__(self, report) -> None:
        super().__init__()
        self.report = report


class RefreshDone(Message):
    """One refresh finished; ``report`` carries the new state (or why it failed)."""

    def __init__(self, report) -> None:
        super().__init__()
        self.report = report


class LogLines(Message):
    """New lines of the followed log (or why it could not be read)."""

    def __init__(self, request, lines: list, error: str | None) -> None:
        super().__init__()
        self.request = request
        self.lines = lines
        self.error = error


# -- start-up --------------------------------------------------------------------------------------

def connect(opts, progress: Callable[[str], None], *, demo_seed: int | None = None,
            cancelled: Callable[[], bool] = lambda: False) -> Connection:
    """Build the AWS clients (and, with ``--demo``, start and seed the local AWS first).

    Blocking: call it from a worker thread. ``progress`` receives the start-up steps.
    """
    from tui.aws.session import AwsClients, AwsSettings

    if opts.demo:
        progress("starting local AWS…")
        from tui.demo import DemoAws

        kwargs = {"speed": opts.demo_speed, "describe_to": opts.demo_describe}
        if demo_seed is not None:
            kwargs["seed"] = demo_seed
        demo = DemoAws(**kwargs)
        conn = demo.start()
        try:
            if cancelled():
                return Connection(None, None, None, (), demo)
            progress("seeding demo fleet…")
            done = threading.Event()
            failure: list[BaseException] = []

            def report_progress() -> None:  # the demo's own steps while it populates
                while not done.wait(0.5):
                    phase = getattr(demo, "phase", "") or ""
                    pct = getattr(demo, "progress", None)
                    if phase and phase not in ("starting", "ready", "stopped"):
                        progress(f"demo: {phase}" + (f" {pct * 100:.0f}%" if pct else ""))
                progress("")  # populated: the status bar shows refreshes again

            def populate_then_live() -> None:
                try:
                    demo.populate()
                    demo.start_live()
                except BaseException as exc:  # noqa: BLE001 - reported through the connect call
                    failure.append(exc)
                finally:
                    done.set()

            threading.Thread(target=report_progress, name="demo-progress", daemon=True).start()
            threading.Thread(target=populate_then_live, name="demo-populate", daemon=True).start()
            # The app starts once the fleet exists (its rows are listed while its minutes land);
            # the refresher re-reads the whole window when the newest minutes are in and again
            # when the history is complete (Connection.history).
            queryable = getattr(demo, "queryable", demo.ready)
            created = getattr(demo, "created", queryable)
            while not (created.is_set() or done.is_set()):
                if cancelled():
                    demo.stop()
                    return Connection(None, None, None, (), demo)
                created.wait(0.05)
            if failure:
                raise failure[0]
            accounts = ()
            if getattr(opts, "demo_accounts", False):  # two source accounts beside the demo's
                from tui.demo.source_accounts import seed_source_accounts
                accounts = seed_source_accounts(conn)
            settings = AwsSettings(regions=(conn.region,), endpoint_url=conn.endpoint_url,
                                   credentials=dict(conn.credentials or {}), accounts=accounts)
            clients = AwsClients(settings)
            return Connection(clients, "demo", getattr(conn, "account", None) or "demo", clients.regions, demo,
                              history=Landings(queryable, demo.ready).rest())
        except BaseException:
            demo.stop()
            raise
    progress("connecting to AWS…")
    settings = AwsSettings(profile=opts.profile, regions=tuple(opts.regions), endpoint_url=opts.endpoint_url,
                           accounts=tuple(getattr(opts, "accounts", ()) or ()))
    clients = AwsClients(settings)
    found: list[str] = []
    alias = threading.Thread(target=_alias, args=(clients, found), name="account-alias", daemon=True)
    alias.start()  # beside GetCallerIdentity, not after it; never holding the start-up for long
    account = clients.account_id()
    alias.join(ALIAS_WAIT)
    return Connection(clients, opts.profile or clients.session.profile_name, account, clients.regions,
                      alias=found[0] if found and account else "")


def _alias(clients, found: list) -> None:
    """Append the signed-in account's alias ("" : none) to ``found``."""
    from tui.aws.accounts import account_alias

    found.append(account_alias(clients))


class SwitchRefused(Exception):
    """A profile or region switch that cannot be made (its one line says why and what to run)."""


def reconnect(opts, old: Connection | None, progress: Callable[[str], None]) -> Connection:
    """Connect again with ``opts``' profile and regions (a switch made inside the app).

    Blocking: call it from a worker thread; the previous connection is left as it is, so the
    app keeps it when this raises. With ``--demo`` the local AWS keeps running and only the
    regions change. A profile that signs in through SSO without a usable login, or that has no
    credentials at all, raises :class:`SwitchRefused` before anything is read.
    """
    from tui.aws.session import AwsClients, AwsSettings

    if opts.demo:
        if old is None or old.demo is None or old.clients is None:
            raise SwitchRefused("the demo is still starting: switch once it shows its fleet")
        settings = old.clients.settings
        clients = AwsClients(AwsSettings(regions=tuple(opts.regions), endpoint_url=settings.endpoint_url,
                                         credentials=dict(settings.credentials), accounts=settings.accounts))
        return Connection(clients, old.profile, old.account, clients.regions, old.demo, alias=old.alias)
    from tui.aws.profiles import sso_problem

    problem = sso_problem(opts.profile)
    if problem:
        raise SwitchRefused(problem)
    conn = connect(opts, progress)
    if conn.account is None and conn.clients.session.get_credentials() is None:
        name = opts.profile or "default"
        raise SwitchRefused(f"profile {name} has no AWS credentials (its config and credentials files set none)")
    return conn
