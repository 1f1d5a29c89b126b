"""``report.html``: one self-contained page per run linking its plots and tables.

>>> write_report("/tmp/run", "Forecast", [("Metrics", {"mae": 1.0}), ("Plot", "forecast.png")])  # doctest: +SKIP
"""
from __future__ import annotations

import html
import json
import time
from pathlib import Path
from typing import Any

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;margin:2em auto;
color:#222;padding:0 1em}
h1{font-size:1.6em;border-bottom:2px solid #4477aa;padding-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.3em .7em;text-align:right}
th{background:#f0f4f8}td:first-child,th:first-child{text-align:left}img{max-width:100%;border:1px solid #eee}
pre{background:#f6f8fa;padding:.8em;overflow-x:auto}.meta{color:#666;font-size:.9em}
"""


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return html.escape(str(v))


def table_html(table: dict | list) -> str:
    """A dict of scalars -> two-column table; a dict of dicts -> rows x columns; a list of dicts -> rows."""
    if isinstance(table, dict) and table and all(isinstance(v, dict) for v in table.values()):
        cols = list(dict.fromkeys(k for row in table.values() for k in row))
        head = "<tr><th></th>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in cols) + "</tr>"
        body = "".join(f"<tr><td>{html.escape(str(r))}</td>" + "".join(f"<td>{_fmt(row.get(c, ''))}</td>"
                       for c in cols) + "</tr>" for r, row in table.items())
        return f"<table>{head}{body}</table>"
    if isinstance(table, dict):
        return "<table>" + "".join(f"<tr><td>{html.escape(str(k))}</td><td>{_fmt(v)}</td></tr>"
                                   for k, v in table.items()) + "</table>"
    cols = list(dict.fromkeys(k for row in table for k in row))
    head = "<tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in cols) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{_fmt(row.get(c, ''))}</td>" for c in cols) + "</tr>" for row in table)
    return f"<table>{head}{body}</table>"


def section_html(content: Any) -> str:
    """HTML for one section: a PNG file name, a table (dict/list), raw HTML (str starting with '<'), or text."""
    if isinstance(content, (str, Path)) and str(content).lower().endswith(".png"):
        name = Path(content).name
        return f'<p><img src="{html.escape(name)}" alt="{html.escape(name)}"></p>'
    if isinstance(content, (dict, list)):
        return table_html(content)
    text = str(content)
    if text.lstrip().startswith("<"):
        return text
    return f"<pre>{html.escape(text)}</pre>"


def write_report(run_dir: str | Path, title: str, sections: list[tuple[str, Any]],
                 settings: dict | None = None) -> Path:
    """Write ``run_dir/report.html`` with a heading per section; return its path.

    Args:
        run_dir: the run directory (PNG names in sections are relative to it).
        title: page title.
        sections: ``(heading, content)`` pairs; content as ``section_html`` accepts.
        settings: the run's settings (command-line arguments), shown at the end.
    """
    run_dir = Path(run_dir)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>",
             f"<p class='meta'>seqlab run, {time.strftime('%Y-%m-%d %H:%M:%S')}</p>"]
    for heading, content in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>{section_html(content)}")
    if settings:
        parts.append(f"<h2>Settings</h2><pre>{html.escape(json.dumps(settings, indent=2, default=str))}</pre>")
    files = sorted(p.name for p in run_dir.iterdir() if p.name != "report.html") if run_dir.exists() else []
    if files:
        parts.append("<h2>Files</h2><ul>" + "".join(f'<li><a href="{html.escape(f)}">{html.escape(f)}</a></li>'
                                                    for f in files) + "</ul>")
    parts.append("</body></html>")
    out = run_dir / "report.html"
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def write_json(path: str | Path, data: Any) -> Path:
    """Write ``data`` as indented JSON (NumPy values converted); return the path."""
    from seqlab.io.modeldir import to_jsonable

    path = Path(path)
    path.write_text(json.dumps(to_jsonable(data), indent=2))
    return path
