"""The command line. Prompts (questionary) run here, before any Textual app starts, and only on a
terminal. Exit status: 0 on success, 2 on bad input with a one-line reason on stderr.

Read commands never write: `list`, `export` and `import` (its source) open what they read
read-only, creating and changing nothing in or beside it (store/guard.py), and `merge` reads its
sources the same way. Only `new`, `open` and `import` (its target) write the database, and only
they make the default database's folder."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from csi_tui import __version__
from csi_tui.domain.errors import CsiError, FileRefused, InvalidInput
from csi_tui.domain.text import for_display
from csi_tui.transfer.formats import export_formats
from csi_tui.paths import default_db_path
from csi_tui.support_log import be_verbose, log, start_logging

# The store, templates and exports load inside the commands that use them: `csi-tui open`
# paints its first screen before pydantic and the models are imported (docs/performance.md).
if TYPE_CHECKING:
    from csi_tui.store.workshop_store import WorkshopStore

# flag -> WorkshopDraft field, in the order the wizard asks.
NEW_FLAGS = {
    "title": "title",
    "org": "organisation",
    "scope": "scope",
    "facilitator": "facilitator",
    "template": "template_id",
    "scale": "scale_id",
}


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Examples and line breaks in the epilogs are laid out by hand: argparse would refill them.
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: the whole reason fits in a terminal's status line.
        line = f"{self.prog}: {message} (see {self.prog} --help)"
        log.error("%s", line)
        self.exit(2, line + "\n")


# What shell completion offers for a path argument: shtab's own FILE and DIRECTORY values, written
# out so the parser is built without importing shtab (only `csi-tui completion` loads it).
COMPLETE_FILE = {"bash": "_shtab_compgen_files", "zsh": "_files", "tcsh": "f"}
COMPLETE_DIRECTORY = {"bash": "_shtab_compgen_dirs", "zsh": "_files -/", "tcsh": "d"}
SHELLS = ("bash", "zsh", "tcsh")


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def _path(action: argparse.Action, complete: dict[str, str] = COMPLETE_FILE) -> argparse.Action:
    action.complete = complete  # type: ignore[attr-defined]  # read by shtab
    return action


def build_parser() -> argparse.ArgumentParser:
    from csi_tui.support_log import LOG_DIR_VARIABLE, log_path

    parser = _Parser(
        prog="csi-tui", description="Run ITIL CSI workshops from the terminal. Without a command, opens the app.",
        epilog=_examples(
            "csi-tui                      open the app on the default database",
            "csi-tui --db acme.db         open the app on another file",
            "csi-tui demo                 try it on a sample programme",
            "csi-tui new --help           how to create a workshop from a script",
        ) + f"\n\nsupport log (warnings and errors; --verbose adds detail):\n  {log_path()}\n"
            f"  (set {LOG_DIR_VARIABLE} to keep it elsewhere)",
    )
    parser.add_argument("--version", action="version", version=f"csi-tui {__version__}",
                        help="print the version and exit")
    _path(parser.add_argument("--db", type=Path, metavar="PATH",
                              help=f"workshop database file (default: {default_db_path()})"))
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="write debug detail to the support log, and to stderr for commands that do not open the app")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND",
                                     title="commands (csi-tui COMMAND --help for each)")

    # Flags every command takes after its name too. SUPPRESS keeps a --db or --verbose given
    # before the command from being overwritten by the default.
    shared = _Parser(add_help=False)
    shared.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="write debug detail to the support log and to stderr")
    db_flag = _Parser(add_help=False, parents=[shared])
    _path(db_flag.add_argument("--db", type=Path, metavar="PATH", default=argparse.SUPPRESS,
                               help="workshop database file (default: the one in your user data directory)"))

    new = commands.add_parser(
        "new", parents=[db_flag], help="create a workshop, print its id",
        description="Create a workshop and print its id. On a terminal, the flags left out are asked for.",
        epilog=_examples(
            "csi-tui new",
            "csi-tui new --title 'Service desk CSI' --org Acme --scope 'First line' \\\n"
            "      --facilitator Ann --template itil4-dimensions --scale cmmi",
        ))
    new.add_argument("--title", help="the workshop's title")
    new.add_argument("--org", help="the organisation the workshop is for")
    new.add_argument("--scope", help="what the workshop covers (a service, a team, a practice)")
    new.add_argument("--facilitator", help="who runs the workshop")
    _path(new.add_argument("--template", metavar="ID|FILE",
                           help="assessment template: a shipped id (see csi-tui templates) or your own TOML/JSON file"))
    _path(new.add_argument("--scale", metavar="ID|FILE",
                           help="maturity scale: a shipped id (see csi-tui templates) or your own TOML/JSON file"))
    new.add_argument("--anonymous", action="store_true", help="participants by alias only")

    listing = commands.add_parser(
        "list", parents=[db_flag], help="list the workshops", description="List the workshops in a file.",
        epilog=_examples("csi-tui list", "csi-tui list --db portfolio.db --json > workshops.json"))
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    templates = commands.add_parser(
        "templates", parents=[shared], help="list templates and maturity scales",
        description="List the shipped assessment templates and maturity scales.",
        epilog=_examples("csi-tui templates", "csi-tui templates --json"))
    templates.add_argument("--json", action="store_true", help="machine-readable output")

    export = commands.add_parser(
        "export", parents=[db_flag], help="write a workshop to another file",
        description="Write one workshop to a report, a document or a database of its own.",
        epilog=_examples(
            "csi-tui export 3 --format html -o report.html",
            "csi-tui export 3 --format html -o report.html --template our-report.html.j2",
            "csi-tui export 3 --format csv -o tables/",
            "csi-tui export 3 --format db -o session.db --with-history --force",
        ))
    export.add_argument("workshop_id", metavar="ID", type=_workshop_id, help="the workshop's id (see csi-tui list)")
    # Choices and help come from the format registry, which is plain data: the parser is built
    # before the store or any writer loads.
    formats = export_formats()
    folders = ", ".join(fmt.key for fmt in formats if fmt.folder)
    histories = ", ".join(fmt.key for fmt in formats if fmt.with_history)
    export.add_argument("--format", choices=[fmt.key for fmt in formats], required=True,
                        help="; ".join(f"{fmt.key}: {fmt.label}" for fmt in formats))
    _path(export.add_argument("-o", "--output", type=Path, required=True, metavar="PATH",
                              help=f"the file to write ({folders}: the directory to write its files into)"))
    export.add_argument("--with-history", action="store_true", help=f"{histories}: include the earlier cycles")
    export.add_argument("--force", action="store_true", help="replace the output file if it exists")
    _path(export.add_argument(
        "--template", type=Path, metavar="FILE",
        help="html, md: your own Jinja2 template for the report, in place of the shipped one "
             "(start from a copy of the shipped csi_tui/data/reports/report.html.j2 or report.md.j2)"))

    imports = commands.add_parser(
        "import", parents=[db_flag], help="bring workshops in from a .json or .db file",
        description="Bring the workshops of a JSON document or a csi-tui database in, under new ids.",
        epilog=_examples("csi-tui import workshop-3.json", "csi-tui import session.db --db portfolio.db"))
    _path(imports.add_argument("source", metavar="FILE", type=Path,
                               help="a JSON document (export --format json) or a csi-tui database"))

    merge = commands.add_parser(
        "merge", parents=[shared], help="merge many session .db files into one portfolio file",
        description="Copy the workshops of many session files into one portfolio file, skipping "
                    "those already in it.\nExit status 1 when some files were refused (each is named).",
        epilog=_examples("csi-tui merge sessions/*.db -o portfolio.db",
                         "csi-tui merge lyon/*.db -o portfolio.db --label Lyon"))
    _path(merge.add_argument("sources", metavar="FILE", type=Path, nargs="+", help="session files (.db)"))
    _path(merge.add_argument("-o", "--output", type=Path, required=True, metavar="PATH",
                             help="the portfolio file (created, or added to if it exists)"))
    merge.add_argument("--label", metavar="TEXT",
                       help="the site or team label of every workshop merged now (the views and CSV carry it)")

    opening = commands.add_parser(
        "open", parents=[db_flag], help="open the app on one workshop",
        description="Open the app on one workshop, at the step where the room stopped.",
        epilog=_examples("csi-tui open 3", "csi-tui open 3 --db acme.db",
                         "csi-tui open 3 --room --room-port 8765"))
    opening.add_argument("workshop_id", metavar="ID", type=_workshop_id, help="the workshop's id (see csi-tui list)")
    opening.add_argument("--room", action="store_true",
                         help="open the room too: phones join by QR code and score blind (step 3 if the "
                              "workshop is on it, else step 2)")
    opening.add_argument("--room-host", metavar="HOST",
                         help="the address the room listens on (default: this laptop's address on the LAN)")
    opening.add_argument("--room-port", metavar="PORT", type=_port, help="the room's port (default: a free one)")

    commands.add_parser(
        "demo", parents=[shared], help="open the app on a fresh copy of a sample CSI programme",
        description="Open the app on a throwaway copy of a sample programme (gone when the app closes).",
        epilog=_examples("csi-tui demo"))

    completion = commands.add_parser(
        "completion", parents=[shared], help="print a shell completion script",
        description="Print a script that completes csi-tui's commands and options in your shell.",
        epilog=_examples(
            "csi-tui completion bash > ~/.local/share/bash-completion/completions/csi-tui",
            "csi-tui completion zsh > ~/.zfunc/_csi-tui     # with fpath+=~/.zfunc in ~/.zshrc",
            "csi-tui completion tcsh > ~/.csi-tui.tcsh      # then: source ~/.csi-tui.tcsh",
        ))
    completion.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    return parser


def is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


WRITING_COMMANDS = ("new", "import", "open", None)  # None: no command opens the app
APP_COMMANDS = ("open", "demo", None)  # these hand the terminal to the app: nothing else may write to it
# SQLite's result codes for a disk or file that cannot be used (full, failing, read-only, locked,
# not openable): met half-way through a command, they are one line. Any other SQLite error is a
# bug, and keeps its traceback.
FILE_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_BUSY",
               "SQLITE_LOCKED", "SQLITE_PERM", "SQLITE_NOLFS")


def main(argv: Sequence[str] | None = None) -> int:
    start_logging()  # from the first line, so a refused flag is in the log too
    args = build_parser().parse_args(argv)
    if args.verbose:
        be_verbose(echo=args.command not in APP_COMMANDS)
    log.debug("csi-tui %s, Python %s on %s; arguments %s", __version__, sys.version.split()[0], sys.platform,
              list(sys.argv[1:] if argv is None else argv))
    try:
        status = run_command(args)
    except CsiError as error:
        status = fail(f"csi-tui: {error}")
    except BrokenPipeError:
        # `csi-tui list | head` closed our stdout early: not an error worth a traceback.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - interpreter exit flushes it
        status = 0
    except OSError as error:
        # A folder or file the command cannot use (read-only, missing, full): one line, no traceback.
        where = f"{error.filename}: " if error.filename else ""
        status = fail(f"csi-tui: {where}{error.strerror or error}")
    except sqlite3.Error as error:
        # Python's own: a program stored bytes as TEXT that are not UTF-8 (SQLite takes anything).
        undecodable = str(error).startswith("Could not decode to UTF-8")
        if not undecodable and not (getattr(error, "sqlite_errorname", None) or "").startswith(FILE_ERRORS):
            log.critical("csi-tui %s: a bug", args.command, exc_info=True)
            raise
        target = args.output if args.command == "merge" else getattr(args, "db", None) or default_db_path()
        if undecodable and args.command == "import":
            target = args.source
        status = fail(f"csi-tui: {target}: {'holds text that is not UTF-8: ' if undecodable else ''}{error}")
    except Exception:
        # A bug: the traceback goes to the terminal as before, and to the log for the report.
        log.critical("csi-tui %s: a bug", args.command, exc_info=True)
        raise
    log.debug("exit status %d", status)
    return status


def fail(line: str) -> int:
    """The one line on stderr, and in the support log; exit status 2."""
    line = terminal_line(line)
    log.error("%s", line)
    print(line, file=sys.stderr)
    return 2


LINE_LIMIT = 1000  # a refusal that quotes a whole file (a damaged page's report) stays readable


def terminal_line(text: str) -> str:
    """A line the command line prints about files: the names and values it quotes are outside
    text, so the display rule applies (no escape reaches the terminal), and it stays one line,
    cut where it runs on."""
    line = for_display(text, keep_newlines=False)
    return line if len(line) <= LINE_LIMIT else line[:LINE_LIMIT - 1] + "…"


def run_command(args: argparse.Namespace) -> int:
    # Worked out, not made: merge, templates, list and export need no home directory to run.
    db_path: Path = args.db or default_db_path()
    log.debug("command %s, database %s", args.command or "(the app)", db_path)
    if args.db is None and args.command in WRITING_COMMANDS:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    if args.command == "new":
        return command_new(args, db_path, sys.stdout)
    if args.command == "list":
        return command_list(db_path, args.json, sys.stdout, default=args.db is None)
    if args.command == "templates":
        return command_templates(args.json, sys.stdout)
    if args.command == "export":
        return command_export(args, db_path, sys.stdout)
    if args.command == "import":
        return command_import(args.source, db_path, sys.stdout)
    if args.command == "merge":
        return command_merge(args.sources, args.output, sys.stdout, sys.stderr,
                             label=args.label.strip() if args.label is not None else None)
    if args.command == "demo":
        return command_demo()
    if args.command == "completion":
        return command_completion(args.shell, sys.stdout)
    if args.command == "open":
        return command_open(db_path, args.workshop_id, room=args.room, room_host=args.room_host,
                            room_port=args.room_port)
    return command_open(db_path)


def command_completion(shell: str, out: TextIO) -> int:
    import shtab  # only here: no other command pays for it

    out.write(shtab.complete(build_parser(), shell=shell))
    return 0


LARGEST_ID = 2 ** 63 - 1  # SQLite's largest integer


def _workshop_id(text: str) -> int:
    """A workshop's id as `csi-tui list` shows it, or argparse's one-line error. int() alone also
    takes digits of other scripts ("१" is 1) and numbers SQLite cannot hold (a traceback later)."""
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or int(digits) > LARGEST_ID:
        raise argparse.ArgumentTypeError(f"a workshop's id is a number csi-tui list shows, not {text!r}")
    return int(text)


def _port(text: str) -> int:
    """A TCP port to listen on, 1-65535, or argparse's one-line error."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a port is a number, not {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is from 1 to 65535, not {port}")
    return port


def command_open(db_path: Path, workshop_id: int | None = None, note: str | None = None, *, room: bool = False,
                 room_host: str | None = None, room_port: int | None = None) -> int:
    from csi_tui.domain.steps import step
    from csi_tui.store.opening import current_step, open_file

    notices: list[str] = []  # an upgrade of an older file, told in the app and after it
    db = open_file(db_path, told=notices.append)  # refuse a bad file or id before the screen is taken over
    try:
        if workshop_id is not None:
            step(current_step(db, workshop_id))  # a step that is no step: one line, not a crash in the app
    finally:
        db.close()
    from csi_tui.app import make_app  # Textual loads only when the app is wanted

    app = make_app(db_path=db_path, open_workshop=workshop_id, note=note, notices=notices, open_room=room,
                   room_host=room_host, room_port=room_port)
    app.run()
    for line in app.farewell:  # what was not saved, and where it went: after the screen is back
        print(terminal_line(line), file=sys.stderr)
    return 0


def command_demo() -> int:
    """The demo programme, built fresh in a temporary folder and gone when the app closes. It
    opens on the list of workshops, with a line that says so and what to try: a newcomer dropped
    straight into cycle 2, step 5 meets a 34-row table with no idea where they are."""
    import tempfile

    from csi_tui.demo import WELCOME, write_demo

    with tempfile.TemporaryDirectory(prefix="csi-tui-demo-") as folder:
        db_path = Path(folder) / "demo.db"
        write_demo(db_path)
        return command_open(db_path, note=WELCOME)


def command_new(args: argparse.Namespace, db_path: Path, out: TextIO) -> int:
    given = {flag: getattr(args, flag) for flag in NEW_FLAGS if getattr(args, flag) is not None}
    missing = [flag for flag in NEW_FLAGS if flag not in given]
    if missing:
        if not is_terminal():
            names = ", ".join(f"--{flag}" for flag in missing)
            raise InvalidInput(f"missing {names} (no terminal to ask on)")
        from csi_tui.wizard import ask_for_missing

        answers = ask_for_missing(given)
        if answers is None:
            print("csi-tui: cancelled; nothing was created", file=sys.stderr)
            return 130
        given = answers
    workshop_id = create_workshop(db_path, given, anonymous=args.anonymous)
    print(workshop_id, file=out)
    return 0


def create_workshop(db_path: Path, values: dict[str, str], anonymous: bool = False) -> int:
    from csi_tui.store.workshop_store import open_store
    from csi_tui.workshops import new_workshop

    fields = {field: values.get(flag, "") for flag, field in NEW_FLAGS.items()}
    new = new_workshop(
        title=fields["title"], organisation=fields["organisation"], scope=fields["scope"],
        facilitator=fields["facilitator"], template=fields["template_id"], scale=fields["scale_id"],
        anonymous=anonymous,
    )
    with open_store(db_path) as store:
        return store.create_workshop(new.draft, new.template, new.scale).id


def workshop_listing(store: WorkshopStore) -> list[dict[str, object]]:
    listing = []
    for workshop in store.workshops():
        entry = workshop.model_dump(mode="json")
        entry["dimensions"] = [
            d.model_dump(mode="json", exclude={"id", "position"})
            for d in store.dimensions(workshop.id)
        ]
        listing.append(entry)
    return listing


def _nothing_there(db_path: Path) -> bool:
    """No file, or an empty one: no workshops to list, and a read command creates nothing."""
    try:
        return db_path.is_file() and db_path.stat().st_size == 0 or not db_path.exists()
    except OSError:
        return False  # let the guard say what is wrong with it


def command_list(db_path: Path, as_json: bool, out: TextIO, default: bool = False) -> int:
    from csi_tui.store.workshop_store import read_store

    if _nothing_there(db_path):
        if not db_path.parent.is_dir() and not default:  # a mistyped --db, not a first run
            raise FileRefused(f"{db_path}: the folder {db_path.parent} does not exist")
        if db_path.is_symlink():  # the file it named was moved or deleted: not a first run either
            raise FileRefused(f"{db_path}: links to {os.readlink(db_path)}, which does not exist")
        listing = []
    else:
        with read_store(db_path) as store:
            listing = workshop_listing(store)
            name_refused(store)
    if as_json:
        json.dump(listing, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    if not listing:
        print(terminal_line(f"No workshops in {db_path}. Create one with: csi-tui new"), file=out)
        return 0
    for entry in listing:
        # Titles come from files made elsewhere: the display rule keeps their escapes off the
        # terminal (JSON above carries them as data, escaped by json.dump).
        title, organisation = (for_display(entry[key], keep_newlines=False) for key in ("title", "organisation"))
        print(
            f"{entry['id']:>4}  {title}  ({organisation}; cycle {entry['cycle']}, "
            f"step {entry['current_step']} of 6, {len(entry['dimensions'])} dimensions, "
            f"changed {entry['updated_at']})",
            file=out,
        )
    return 0


def command_templates(as_json: bool, out: TextIO) -> int:
    from csi_tui.templates import shipped_scales, shipped_templates

    templates, scales = shipped_templates(), shipped_scales()
    if as_json:
        document = {
            "templates": [t.model_dump(mode="json") for t in templates.values()],
            "scales": [s.model_dump(mode="json") for s in scales.values()],
        }
        json.dump(document, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    print("Assessment templates:", file=out)
    for template in templates.values():
        print(f"  {template.id:<18} {template.name} ({len(template.dimensions)} dimensions, "
              f"default scale {template.default_scale})", file=out)
    print("Maturity scales:", file=out)
    for scale in scales.values():
        print(f"  {scale.id:<18} {scale.name} ({scale.lowest}-{scale.highest})", file=out)
    print("Pass a file path to --template or --scale to use your own.", file=out)
    return 0


def command_export(args: argparse.Namespace, db_path: Path, out: TextIO) -> int:
    from csi_tui.transfer.files import export_workshop
    from csi_tui.store.workshop_store import read_store

    with read_store(db_path) as store:  # read-only: an export never changes the database it reads
        store.workshop(args.workshop_id)  # a bad id is named before anything is written
        print(terminal_line(export_workshop(store, args.workshop_id, args.format, args.output,
                                            with_history=args.with_history, force=args.force,
                                            template=args.template)), file=out)
        name_refused(store)
    return 0


def name_refused(store: WorkshopStore) -> None:
    """One line on stderr for each row the command's reads left out because it breaks the
    domain's rules (store/base.py): the listing or the export is made without it, and says so."""
    for refused in store.refused:
        print(terminal_line(f"csi-tui: {refused}; left out"), file=sys.stderr)


def command_import(source: Path, db_path: Path, out: TextIO) -> int:
    from csi_tui.store.workshop_store import open_store
    from csi_tui.transfer.files import import_source, read_source
    from csi_tui.transfer.outputs import refuse_reads

    if not source.is_file():
        what = "not a file (a pipe, a device or a folder)" if source.exists() else "no such file"
        raise InvalidInput(f"{source}: {what}")
    real = Path(os.path.realpath(db_path))  # SQLite keeps -wal and -shm beside the real file
    refuse_reads(source, [real, *(real.with_name(real.name + end) for end in ("-wal", "-shm", "-journal"))],
                 role="being imported into")
    documents = read_source(source)  # all of it, read-only, before the database is opened or made
    with open_store(db_path) as store:
        ids = import_source(store, documents, source=source)
    print(f"Imported {len(ids)} workshop{'s' if len(ids) != 1 else ''} as id {', '.join(map(str, ids))}", file=out)
    return 0


def command_merge(sources: list[Path], output: Path, out: TextIO, err: TextIO, label: str | None = None) -> int:
    """Exit 0 when every file merged or was a duplicate, 1 when some were refused (each named)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from csi_tui.transfer.merge import FileResult, MergeOutcome, merge_files

    if output.is_dir():
        raise InvalidInput(f"{output} is a directory; give the portfolio file to merge into")
    if not output.parent.is_dir():
        raise InvalidInput(f"{output.parent} does not exist")
    if not err.isatty():
        # Piped or redirected: no bar, and each refusal one plain line, whole, for a script to
        # read (rich wraps at 80 columns off a terminal, and ends its bar with a blank line).
        def skipped(result: FileResult) -> None:
            if result.outcome is MergeOutcome.REFUSED:
                line = terminal_line(f"csi-tui: skipped {result.reason}")
                log.warning("%s", line)
                print(line, file=err, flush=True)

        report = merge_files(sources, output, progress=skipped, label=label)
    else:
        # soft_wrap: a refusal longer than the terminal is one line too, folded by the terminal.
        console = Console(file=err, highlight=False, soft_wrap=True)
        columns = (TextColumn("Merging"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("merge", total=len(sources))

            def advance(result: FileResult) -> None:
                if result.outcome is MergeOutcome.REFUSED:
                    line = terminal_line(f"csi-tui: skipped {result.reason}")
                    log.warning("%s", line)
                    progress.console.print(line, markup=False)
                progress.advance(task)

            report = merge_files(sources, output, progress=advance, label=label)
    print(terminal_line(f"Merged {report.merged} workshop{'s' if report.merged != 1 else ''} from {len(sources)} "
                        f"file{'s' if len(sources) != 1 else ''} into {output}; {report.duplicates} already "
                        f"there (skipped), {len(report.refused)} file{'s' if len(report.refused) != 1 else ''} "
                        "refused"), file=out)
    return 1 if report.refused else 0
