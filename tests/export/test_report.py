"""The findings report and its data bundle, without a browser: content, safety, branding, round trip."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from servicekit.cli import SAMPLE_FILE, main
from servicekit.errors import InvalidInput
from servicekit.export.branding import Branding, load_branding
from servicekit.export.report import _charts, build_report, data_bundle, export_files
from servicekit.journal import Journal, read_workshop_file
from servicekit.models import WorkshopState

from .hostile import CONTROL, CORPUS, hostile_workshop

#: Elements a report may contain: the template's own HTML and vl-convert's SVG.
HTML_ELEMENTS = "html head meta title style body header nav h1 h2 h3 h4 p ol ul li a main section"
TABLE_ELEMENTS = (
    "article table thead tbody tr th td div span strong b i figure figcaption footer img"
)
SVG_ELEMENTS = "svg g path rect text tspan defs clippath line circle lineargradient stop"
ALLOWED = {*HTML_ELEMENTS.split(), *TABLE_ELEMENTS.split(), *SVG_ELEMENTS.split()}


class Elements(HTMLParser):
    """Every element and attribute of a page, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, WorkshopState]:
    with Journal(tmp_path_factory.mktemp("sample") / "s.db") as journal:
        slug = journal.import_(read_workshop_file(SAMPLE_FILE))
        export = journal.export(slug)
    return export, WorkshopState.from_dict(export["workshop"])


@pytest.fixture(scope="module")
def sample_page(sample: tuple[dict, WorkshopState]) -> str:
    return build_report(sample[1])


def test_the_sample_report_reads_as_findings(sample_page: str, sample) -> None:
    state = sample[1]
    parsed = parse(sample_page)
    headings = [t for t, _ in parsed.tags if t in ("h2", "h3")]
    assert headings.count("h2") == 6  # contents, summary, three exercises, appendix
    text = " ".join(parsed.text)
    for heading in (
        "Summary of findings",
        "Root causes",
        "Where the journey breaks",
        "Handovers nobody owns",
        "Information asked more than once",
        "Where views diverge",
        "Documented against real",
        "Countermeasures",
        "Appendix: the data",
    ):
        assert heading in text
    assert state.title in text and state.client in text
    # the table of contents points at sections that exist
    ids = {a.get("id") for _, a in parsed.tags}
    targets = [
        a["href"][1:] for t, a in parsed.tags if t == "a" and a.get("href", "").startswith("#")
    ]
    assert targets and all(t in ids for t in targets)


def test_every_chart_is_in_the_report(sample_page: str, sample) -> None:
    expected = [fid for fid, _, _ in _charts(sample[1], 3)]
    assert len(expected) >= 9  # two trees, two survey charts, five journey charts
    parsed = parse(sample_page)
    figures = [a["id"] for t, a in parsed.tags if t == "figure"]
    assert figures == expected
    svgs = [a for t, a in parsed.tags if t == "svg"]
    assert len(svgs) == len(expected)
    assert all(a.get("role") == "img" and a.get("aria-label") for a in svgs)


def test_nothing_is_fetched_and_nothing_runs(sample_page: str) -> None:
    parsed = parse(sample_page)
    assert {t for t, _ in parsed.tags} <= ALLOWED
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "xlink:href"):
                assert value and value.startswith(("#", "data:")), (tag, name, value)
    urls = set(re.findall(r"(?:https?:)?//[\w.-]+", sample_page))
    assert urls <= {"http://www.w3.org", "//www.w3.org"}, urls  # SVG namespaces, never fetched
    assert "@import" not in sample_page
    local = re.findall(r"url\(['\"]?([^)'\"]*)", sample_page)  # SVG gradients and clip paths
    assert local and all(ref.startswith("#") for ref in local)


def test_countermeasures_come_in_the_order_to_consider_them(sample_page: str) -> None:
    section = sample_page.split("<h3>Countermeasures</h3>", 1)[1].split("</table>", 1)[0]
    kinds = re.findall(r"<tr><td>(Eliminate|Move earlier|Simplify|Automate)</td>", section)
    order = ["Eliminate", "Move earlier", "Simplify", "Automate"]
    assert kinds and kinds == sorted(kinds, key=order.index)


def test_hostile_text_is_shown_as_text_everywhere(tmp_path: Path) -> None:
    ws = hostile_workshop(tmp_path / "h.db")
    page = build_report(ws.state)
    parsed = parse(page)
    assert {t for t, _ in parsed.tags} <= ALLOWED - {"img"}, "no element came from participant text"
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not any(
            (value or "").strip().lower().startswith("javascript:") for value in attrs.values()
        ), (tag, attrs)
    shown = " ".join(parsed.text)  # the parser has decoded the entities once, as a browser does
    for text in CORPUS:
        assert text in shown, f"{text!r} is not shown as typed"
    assert "form\x0bfeed" not in page and "feed\x02end" not in page
    assert CONTROL.replace("\x0b", "").replace("\x02", "") in shown


def test_progress_is_reported_to_the_end(sample) -> None:
    seen: list[tuple[int, int, str]] = []
    build_report(sample[1], progress=lambda done, total, what: seen.append((done, total, what)))
    done = [d for d, _, _ in seen]
    assert done == sorted(done) and done[0] == 0
    assert seen[-1][0] == seen[-1][1] == len(_charts(sample[1], 3)) + 2
    assert any(what.startswith("Drawing") for _, _, what in seen)


def test_an_empty_workshop_gives_a_short_valid_report() -> None:
    state = WorkshopState("empty", "Empty workshop", "ABC123")
    page = build_report(state)
    parsed = parse(page)
    assert [t for t, _ in parsed.tags].count("section") == 1  # the summary alone
    assert "0 root causes" in " ".join(parsed.text)


def test_the_data_bundle_restores_the_identical_workshop(sample, tmp_path: Path) -> None:
    export, state = sample
    bundle = zipfile.ZipFile(io.BytesIO(data_bundle(export, state)))
    names = set(bundle.namelist())
    assert {"workshop.json", "README.txt", "countermeasures.csv", "journey_steps.csv"} <= names
    with Journal(tmp_path / "back.db") as journal:
        slug = journal.import_(json.loads(bundle.read("workshop.json")))
        restored, _ = journal.rebuild(slug)
        assert restored == state, "identical, slug included"
        assert len(journal.operations(slug)) == len(export["operations"])
    steps = bundle.read("journey_steps.csv").decode("utf-8")
    assert steps.startswith("\ufeffjourney,layer,position,name")


def test_csv_in_the_bundle_is_formula_safe(tmp_path: Path) -> None:
    ws = hostile_workshop(tmp_path / "h.db")
    tid = ws.add_tree("Orders ship late")
    ws.add_why(
        tid, None, '=HYPERLINK("http://example.invalid","click")', evidence="+cmd|' /C calc'!A0"
    )
    export = ws.journal.export(ws.slug)
    bundle = zipfile.ZipFile(io.BytesIO(data_bundle(export, ws.state)))
    answers = bundle.read("five_whys_answers.csv").decode("utf-8")
    assert "'=HYPERLINK" in answers and "'+cmd" in answers
    cells = [cell for row in csv.reader(io.StringIO(answers.lstrip("\ufeff"))) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "-"))], "no cell starts a formula"
    measures = bundle.read("countermeasures.csv").decode("utf-8")
    assert "'javascript:" not in measures and "javascript:alert" in measures


# -- branding ---------------------------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "acme.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_branding_puts_title_logo_colours_and_confidentiality_in(tmp_path: Path, sample) -> None:
    (tmp_path / "logo.png").write_bytes(PNG)
    path = _write(
        tmp_path,
        'title: "Acme: how work flows"\nsubtitle: Workshop read-out\nlogo: logo.png\n'
        'logo_alt: Acme Ltd\ncolours:\n  primary: "#004488"\n  accent: "#aa3377"\n'
        'confidentiality: "Confidential to {client}"\n',
    )
    branding = load_branding(path)
    assert branding.logo_data_uri.startswith("data:image/png;base64,")
    page = build_report(sample[1], branding)
    assert "<title>Acme: how work flows</title>" in page
    assert 'alt="Acme Ltd"' in page and branding.logo_data_uri in page
    assert "--primary: #004488" in page and "--accent: #aa3377" in page
    assert f"Confidential to {sample[1].client}" in html.unescape(page)


@pytest.mark.parametrize(
    ("text", "files", "message"),
    [
        (
            "colours:\n  primary: blue\n",
            {},
            r"line 2, colours, field 'primary': 'blue' is not a colour",
        ),
        ("colour: {}\n", {}, r"line 1: unknown key 'colour'. Did you mean 'colours'\?"),
        ("logo: missing.png\nlogo_alt: X\n", {}, r"line 1, field 'logo': no file 'missing.png'"),
        ("logo: logo.png\n", {"logo.png": PNG}, r"a logo needs a text alternative"),
        (
            "logo: logo.bmp\nlogo_alt: X\n",
            {"logo.bmp": b"BM"},
            r"not an image this report can embed",
        ),
        (
            "logo: big.png\nlogo_alt: X\n",
            {"big.png": PNG + b"\0" * 600_000},
            r"big.png is 58\d KiB; keep a logo under 512 KiB",
        ),
        (
            "logo: evil.svg\nlogo_alt: X\n",
            {"evil.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'},
            r"contains scripts or outside links",
        ),
        ("template: nope.html.j2\n", {}, r"field 'template': no file 'nope.html.j2'"),
        ("title: [a, b]\n", {}, r"line 1, field 'title': expected text"),
        ("format_version: 99\n", {}, r"format_version"),
    ],
)
def test_bad_branding_is_refused_with_file_line_and_fix(
    tmp_path: Path, text: str, files: dict[str, bytes], message: str
) -> None:
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    path = _write(tmp_path, text)
    with pytest.raises(Exception, match=message) as caught:
        load_branding(path)
    assert str(path) in str(caught.value)


def test_a_broken_template_names_its_line(tmp_path: Path, sample) -> None:
    template = tmp_path / "mine.html.j2"
    template.write_text("<html>\n<body>\n{% for x in found.causes %}\n</body>\n", encoding="utf-8")
    branding = Branding(template=template)
    with pytest.raises(
        InvalidInput, match=r"mine.html.j2, line \d+: the report template has a mistake"
    ):
        build_report(sample[1], branding)


def test_a_copied_template_can_change_the_layout(tmp_path: Path, sample) -> None:
    template = tmp_path / "short.html.j2"
    template.write_text(
        "<!DOCTYPE html><title>{{ title }}</title><p>{{ found.causes|length }} causes for {{ client }}</p>",
        encoding="utf-8",
    )
    path = _write(tmp_path, "template: short.html.j2\n")
    page = build_report(sample[1], load_branding(path))
    assert page.endswith(f"<p>5 causes for {sample[1].client}</p>")


def test_the_bundled_branding_loads_by_name() -> None:
    assert load_branding("branding") == load_branding()


# -- command line --------------------------------------------------------------------------------------


def test_cli_export_writes_the_report_and_the_bundle(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "c.db")
    assert main(["--db", db, "new", "northbridge", "--sample"]) == 0
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    assert main(["--db", db, "export", "northbridge", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Wrote {out}" in printed and "report-data.zip" in printed
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert zipfile.is_zipfile(tmp_path / "out" / "report-data.zip")
    assert not list(tmp_path.glob("out/*.part"))


def test_cli_export_refuses_a_bad_branding_file_before_writing(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "c.db")
    main(["--db", db, "new", "northbridge", "--sample"])
    capsys.readouterr()
    bad = _write(tmp_path, "colours:\n  primary: red\n")
    out = tmp_path / "r.html"
    code = main(["--db", db, "export", "northbridge", "--out", str(out), "--branding", str(bad)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "is not a colour" in err[0]
    assert not out.exists()


def test_export_files_leaves_no_part_file_behind(sample, tmp_path: Path) -> None:
    written = export_files(sample[0], tmp_path / "r.html", data=False)
    assert written == [tmp_path / "r.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
