"""The questionnaire: the facilitator's dashboard at 1,000 respondents, and the participant's page.

Three measurements:

* **Recompute in the kernel.** A survey of 1,000 respondents x 30 questions (24 scale, 3 bands, 3 open;
  3 lenses; 8 departments, one of them below the anonymity threshold) is built as a model value from a
  seeded generator. The dashboard's analysis calls (``responses_by_department``, ``divergence`` by spread
  and by gap, ``department_scores``, ``question_stats``, ``open_answers``) are timed on a *new* survey value
  each run, since :mod:`servicekit.analysis.survey` keeps the figures of the last value it saw and a real
  redraw follows a new answer. Then the same survey is stored in a temporary workshop through the journal
  (one ``batch`` operation), ``SurveyDashboard(ws, id)`` is built headless, and each timed run commits one
  answer (the dashboard redraws on the change) with the redraw timed on its own and with every widget
  message packed and signed as a kernel does (:func:`_clock.packing_sends`).
* **Pages.** The participant page (``survey.ipynb``) and the dashboard page (``survey_dashboard.ipynb``)
  beside the references, one page at a time in fresh browser contexts (:func:`pages.measure_view`), then,
  unless switched off, with Voila's preheated kernels (:func:`preheat.run`).
* **Burst.** N participant pages requested at once, server side (:func:`burst.server_burst`), beside the
  same burst of *widgets-only*.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from _report import Row, Section, log, median, p95

from servicekit.models import Answer, Lens, Question, Respondent, Survey

__all__ = ["build_survey", "run"]

RESPONDENTS = 1000
RECOMPUTE_TARGET_MS = 100.0
PAGE_RATIO_TARGET = 1.2
BURST_RATIO_TARGET = 1.5
PARTICIPANT = "survey.ipynb"
DASHBOARD = "survey_dashboard.ipynb"
SURVEY_ID = "s-bench-1000"
PANDAS_NOTE = "pandas mapped in the kernel"
#: Departments and their share of the room; "Legal" (2 people) stays below the anonymity threshold.
DEPARTMENTS = {
    "Operations": 0.26,
    "Customer service": 0.22,
    "IT": 0.15,
    "Finance": 0.10,
    "Planning": 0.10,
    "HR": 0.09,
    "Communications": 0.078,
}
SMALL_DEPARTMENT = ("Legal", 2)
ROLES = ("Staff", "Team lead", "Manager")
LENSES = (Lens("people", "People"), Lens("process", "Process"), Lens("systems", "Systems"))
BANDS = ("None", "1-2", "3-5", "6-10", "More than 10")
_REMARKS = (
    "Depends on the team.",
    "We tried this last year and it stalled.",
    "Only when the manager is around.",
    "The handover between desks loses it.",
    "Much better since the new system.",
    "Nobody owns this.",
)


def _questions() -> tuple[Question, ...]:
    qs = []
    for i in range(24):
        qs.append(
            Question(
                f"q{i:02d}",
                f"Statement {i} about how the service runs today.",
                lens=LENSES[i % 3].id,
                points=7 if i % 6 == 5 else 5,
            )
        )
    for i in range(24, 27):
        qs.append(
            Question(
                f"q{i:02d}",
                f"How many hand-offs does case type {i - 23} go through?",
                lens=LENSES[i % 3].id,
                kind="bands",
                bands=BANDS,
            )
        )
    for i in range(27, 30):
        qs.append(Question(f"q{i:02d}", f"Open question {i - 26}: what would help?", kind="open"))
    return tuple(qs)


def build_survey(n: int = RESPONDENTS, seed: int = 7) -> Survey:
    """A realistic survey value: ``n`` respondents x 30 questions, departments leaning differently.

    Each department has its own lean on each question (so gaps exist), respondents their own mood;
    a respondent skips a question 5 % of the time, comments on 8 % of rated answers and writes an
    open answer 60 % of the time.
    """
    rng = random.Random(seed)
    questions = _questions()
    depts = list(DEPARTMENTS)
    lean = {(d, q.id): rng.gauss(0, 0.18) for d in [*depts, SMALL_DEPARTMENT[0]] for q in questions}
    people: list[Respondent] = []
    small = SMALL_DEPARTMENT[1]
    for i in range(n - small):
        dept = rng.choices(depts, weights=list(DEPARTMENTS.values()))[0]
        people.append(Respondent(f"r{i:04d}", dept, rng.choice(ROLES)))
    people += [
        Respondent(f"r{n - small + j:04d}", SMALL_DEPARTMENT[0], "Staff") for j in range(small)
    ]
    answers: dict[str, dict[str, Answer]] = {}
    for who in people:
        mood = rng.gauss(0, 0.12)
        got: dict[str, Answer] = {}
        for q in questions:
            if rng.random() < 0.05:
                continue
            if q.kind == "open":
                if rng.random() < 0.6:
                    got[q.id] = Answer(q.id, f"{rng.choice(_REMARKS)} ({who.id})")
                continue
            score = min(
                1.0, max(0.0, 0.55 + lean[who.department, q.id] + mood + rng.gauss(0, 0.22))
            )
            top = q.points - 1 if q.kind == "scale" else len(q.bands) - 1
            value = round(score * top) + (1 if q.kind == "scale" else 0)
            comment = rng.choice(_REMARKS) if rng.random() < 0.08 else ""
            got[q.id] = Answer(q.id, value, comment)
        answers[who.id] = got
    return Survey(
        SURVEY_ID,
        "People / Process / Systems, whole organisation",
        LENSES,
        questions,
        respondents={p.id: p for p in people},
        answers=answers,
    )


def _dashboard_analysis(survey: Survey, k: int = 3) -> None:
    """Every analysis call ``SurveyDashboard.redraw`` makes."""
    from servicekit.analysis import survey as analysis

    analysis.responses_by_department(survey, k)
    analysis.divergence(survey, k, by="spread")
    analysis.divergence(survey, k, by="gap")
    analysis.department_scores(survey, k)
    analysis.question_stats(survey, k)
    analysis.open_answers(survey, k)


def _stats(ms: list[float]) -> str:
    return f"median {median(ms):.1f} ms, p95 {p95(ms):.1f} ms, max {max(ms):.1f} ms"


def kernel_part(runs: int) -> tuple[list[Row], dict[str, Any]]:
    """Analysis on new survey values, then the real dashboard's redraw after each new answer."""
    from _clock import packing_sends

    from servicekit import create_workshop
    from servicekit.ui.apps.survey_dashboard import SurveyDashboard

    t0 = time.perf_counter()
    base = build_survey()
    built_ms = (time.perf_counter() - t0) * 1000
    n_answers = sum(len(a) for a in base.answers.values())
    _dashboard_analysis(replace(base))  # warm-up: pandas' first groupby paths
    analysis_ms = []
    for _ in range(runs):
        value = replace(base)  # a new value: nothing cached from the last one
        t0 = time.perf_counter()
        _dashboard_analysis(value)
        analysis_ms.append((time.perf_counter() - t0) * 1000)
    log(f"survey: analysis on a new value, {RESPONDENTS} respondents: {_stats(analysis_ms)}")

    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-survey-"))
    try:
        ws = create_workshop("bench-survey", "Survey benchmark", db=tmp / "w.db")
        ws.add_survey(
            base.title,
            [lens.to_dict() for lens in base.lenses],
            [q.to_dict() for q in base.questions],
            survey_id=SURVEY_ID,
        )
        ops: list[dict[str, Any]] = [
            {
                "kind": "survey.respondent",
                "payload": {"survey": SURVEY_ID, "respondent": p.to_dict()},
            }
            for p in base.respondents.values()
        ]
        ops += [
            {
                "kind": "survey.answer",
                "payload": {"survey": SURVEY_ID, "respondent": rid, "answer": a.to_dict()},
            }
            for rid, got in base.answers.items()
            for a in got.values()
        ]
        t0 = time.perf_counter()
        ws._commit("batch", {"ops": ops})
        batch_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        app = SurveyDashboard(ws, SURVEY_ID)
        first_ms = (time.perf_counter() - t0) * 1000
        redraw_ms: list[float] = []
        original = app.redraw

        def timed() -> None:
            t = time.perf_counter()
            original()
            redraw_ms.append((time.perf_counter() - t) * 1000)

        app.redraw = timed  # type: ignore[method-assign]  # the change listener looks it up per call
        rng = random.Random(11)
        rated = [q for q in base.questions if q.kind == "scale"]
        who = list(base.respondents)
        commit_ms: list[float] = []
        kib: list[float] = []
        with packing_sends() as sent:
            for i in range(runs + 1):
                q = rng.choice(rated)
                sent.reset()
                t0 = time.perf_counter()
                ws.answer(SURVEY_ID, rng.choice(who), q.id, rng.randint(1, q.points))
                if i:  # the first is a warm-up
                    commit_ms.append((time.perf_counter() - t0) * 1000)
                    kib.append(sent.bytes / 1024)
        redraws = redraw_ms[1:]
        log(f"survey: dashboard redraw, {RESPONDENTS} respondents: {_stats(redraws)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    note = (
        f"{runs} runs; 30 questions (24 scale, 3 bands, 3 open), 8 departments (1 hidden), "
        f"{n_answers} answers"
    )
    rows = [
        Row(
            "survey",
            f"dashboard analysis, {RESPONDENTS} respondents x 30 questions, a new survey value each run",
            _stats(analysis_ms),
            f"median <= {RECOMPUTE_TARGET_MS:.0f} ms",
            median(analysis_ms) <= RECOMPUTE_TARGET_MS,
            note=note + "; responses_by_department, divergence x2, department_scores, "
            "question_stats, open_answers",
        ),
        Row(
            "survey",
            f"SurveyDashboard.redraw(), {RESPONDENTS} respondents, after each new answer",
            _stats(redraws),
            f"median <= {RECOMPUTE_TARGET_MS:.0f} ms",
            median(redraws) <= RECOMPUTE_TARGET_MS,
            note=f"{runs} runs; analysis + chart specs + HTML + widget messages packed "
            f"({median(kib):.0f} KiB per redraw); stored through the journal",
        ),
        Row(
            "survey",
            "answer commit + redraw on the dashboard's handle; first dashboard build; storing",
            f"commit + redraw median {median(commit_ms):.1f} ms; first SurveyDashboard "
            f"{first_ms:.0f} ms; one batch of {len(ops)} operations {batch_ms:.0f} ms",
            note=f"building the survey value {built_ms:.0f} ms",
        ),
    ]
    details = {
        "analysis_ms": analysis_ms,
        "redraw_ms": redraws,
        "commit_ms": commit_ms,
        "kib_per_redraw": kib,
        "first_build_ms": first_ms,
        "batch_ms": batch_ms,
        "batch_ops": len(ops),
        "answers": n_answers,
    }
    return rows, details


async def _measure(server: Any, browser: Any, spec: Any) -> Any:
    """:func:`pages.measure_view`, noting whether the kernel has pandas' extension modules mapped."""
    from _browser import viewing
    from _voila import kernel_rss_mib, loads_library
    from pages import PAGE_SHUTDOWN_WAIT_S

    before = server.kernel_pids()
    async with viewing(browser, server.page_url(spec.notebook), spec) as view:
        new = server.kernel_pids() - before
        view.kernel_pids = sorted(new)
        view.kernel_rss_mib = sum(kernel_rss_mib(pid) for pid in new) if new else None
        view.vl_convert_loaded = any(loads_library(pid, "vl_convert") for pid in new)
        if any(loads_library(pid, "/pandas/") for pid in new):
            view.problems.append(PANDAS_NOTE)
    if new:
        await asyncio.to_thread(server.wait_for_no_kernels, PAGE_SHUTDOWN_WAIT_S, new)
        view.shut_by_page = not (server.kernel_pids() & new)
    await asyncio.to_thread(server.shut_down_kernels)
    return view


async def _pages(server: Any, repeat: int, burst: int) -> dict[str, Any]:
    from _browser import launch, spec_for
    from burst import server_burst
    from pages import _fmt, _summary
    from playwright.async_api import async_playwright

    specs = [spec_for(server.root / name) for name in server.pages]
    async with async_playwright() as pw:
        browser = await launch(pw)
        for spec in specs:  # warm-up, not counted
            view = await _measure(server, browser, spec)
            log(
                f"survey pages: warm-up {spec.notebook}: ready {_fmt(view.ready_s or float('nan'))}"
            )
        views: dict[str, list[Any]] = {spec.notebook: [] for spec in specs}
        for i in range(repeat):
            for spec in specs:
                view = await _measure(server, browser, spec)
                views[spec.notebook].append(view)
                log(
                    f"survey pages: {i + 1}/{repeat} {spec.notebook}: ready "
                    f"{_fmt(view.ready_s or float('nan'))}, kernel {view.kernel_rss_mib or 0:.0f} MiB"
                    + (f" [{'; '.join(view.problems)[:160]}]" if view.problems else "")
                )
        await browser.close()
    bursts = {}
    for name in ("widgets_only.ipynb", PARTICIPANT):
        log(f"survey pages: burst of {burst} x {name}, server side")
        bursts[name] = await asyncio.to_thread(server_burst, server.page_url(name), burst)
        await asyncio.to_thread(server.shut_down_kernels)
        log(f"survey pages: burst {name}: all served in {bursts[name]['all_done_s']:.1f} s")
    return {
        "views": {k: [asdict(v) for v in vs] for k, vs in views.items()},
        "summary": {k: _summary(vs) for k, vs in views.items()},
        "burst": bursts,
    }


def _page_rows(s: dict[str, Any], bursts: dict[str, Any], repeat: int, n: int) -> list[Row]:
    empty, widgets, naive = s["empty.ipynb"], s["widgets_only.ipynb"], s["naive.ipynb"]
    part, dash = s[PARTICIPANT], s[DASHBOARD]
    rows = []
    for name in s:
        v = s[name]
        value = (
            f"ready {v['ready_s']:.2f} s ({v['ready_s'] / empty['ready_s']:.2f}x empty; HTML complete "
            f"at {v['html_done_s']:.2f} s); kernel {v['kernel_rss_mib']:.0f} MiB "
            f"({v['kernel_rss_mib'] / empty['kernel_rss_mib']:.2f}x empty)"
        )
        note = f"median of {repeat}"
        if v["problems"]:
            note += "; " + "; ".join(v["problems"])[:200]
        rows.append(Row("survey", f"{name}, one page", value, note=note))
    t_ratio = part["ready_s"] / widgets["ready_s"]
    m_ratio = part["kernel_rss_mib"] / empty["kernel_rss_mib"]
    d_ratio = dash["ready_s"] / naive["ready_s"]
    rows += [
        Row(
            "survey",
            f"{PARTICIPANT} (participant) cold: ready vs widgets_only.ipynb",
            f"{part['ready_s']:.2f} s vs {widgets['ready_s']:.2f} s = {t_ratio:.2f}x widgets-only",
            f"<= {PAGE_RATIO_TARGET}x widgets-only",
            t_ratio <= PAGE_RATIO_TARGET,
            note="ready = .sk-join visible",
        ),
        Row(
            "survey",
            f"{PARTICIPANT} (participant): kernel resident memory vs empty.ipynb",
            f"{part['kernel_rss_mib']:.0f} MiB vs {empty['kernel_rss_mib']:.0f} MiB = {m_ratio:.2f}x empty",
            f"<= {PAGE_RATIO_TARGET}x empty",
            m_ratio <= PAGE_RATIO_TARGET,
            note="pandas "
            + ("mapped" if PANDAS_NOTE in part["problems"] else "not mapped")
            + " in the kernel",
        ),
        Row(
            "survey",
            f"{DASHBOARD} cold: ready vs naive.ipynb",
            f"{dash['ready_s']:.2f} s vs {naive['ready_s']:.2f} s = {d_ratio:.2f}x naive",
            "<= 1.0x naive",
            d_ratio <= 1.0,
            note="ready = .sk-survey-dashboard visible and the heatmap's SVG drawn; sample workshop's survey",
        ),
    ]
    w, p = bursts["widgets_only.ipynb"], bursts[PARTICIPANT]
    b_ratio = p["all_done_s"] / w["all_done_s"]
    statuses = ",".join(map(str, sorted(set(p["statuses"]) | set(w["statuses"]))))
    rows.append(
        Row(
            "survey",
            f"{PARTICIPANT}, burst of {n} at once, server side, vs the same burst of widgets_only.ipynb",
            f"all served in {p['all_done_s']:.1f} s vs {w['all_done_s']:.1f} s = {b_ratio:.2f}x "
            f"(median {p['median_s']:.1f} s vs {w['median_s']:.1f} s)",
            f"<= {BURST_RATIO_TARGET}x widgets-only",
            b_ratio <= BURST_RATIO_TARGET and set(p["statuses"]) == {200},
            note=f"HTTP {statuses}",
        )
    )
    return rows


def run(
    quick: bool = False,
    repeat: int | None = None,
    burst: int = 20,
    preheat: Any = None,
    pages_too: bool = True,
) -> Section:
    """The kernel part, then (unless ``pages_too`` is false) the pages, the burst and the preheated pages."""
    runs = 20 if quick else 40
    rows, details = kernel_part(runs)
    if pages_too:
        from _voila import VoilaRun

        repeat = repeat or (2 if quick else 5)
        wanted = [PARTICIPANT, DASHBOARD]
        with VoilaRun(wanted) as server:
            try:
                details["pages"] = asyncio.run(_pages(server, repeat, burst))
            except Exception:
                log("survey pages: failed; the end of Voila's output follows\n" + server.log_tail())
                raise
        summary = details["pages"]["summary"]
        rows += _page_rows(summary, details["pages"]["burst"], repeat, burst)
        if preheat is not None:
            import preheat as preheated

            warm = preheated.run(wanted, repeat, preheat)
            details["preheated"] = warm
            ref = warm["summary"][preheated.COLD_EMPTY]
            for name in (PARTICIPANT, DASHBOARD):
                v = warm["summary"].get(name)
                if v is None:
                    continue
                rows.append(
                    Row(
                        "survey",
                        f"{name}, Voila preheated kernel: ready vs a cold empty.ipynb",
                        f"{v['ready_s']:.2f} s vs {ref['ready_s']:.2f} s = "
                        f"{v['ready_s'] / ref['ready_s']:.2f}x cold empty; kernel {v['kernel_rss_mib']:.0f} MiB",
                        "<= 1.0x cold empty" if name == DASHBOARD else "",
                        v["ready_s"] <= ref["ready_s"] if name == DASHBOARD else None,
                        note=f"a preheated kernel in {v['preheated']} of {v['views']} views; cold "
                        "empty opened in the same rounds on the same server",
                    )
                )
    return Section("survey", rows, details)
