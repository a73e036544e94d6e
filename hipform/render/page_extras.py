"""Parts of ``report.html`` for the patient file: the session header, the print styles, the video player.

* :func:`session_header`: subject, session date, the clinician's note and the thresholds
  the clinician changed, at the top of the page; :func:`print_css` repeats the subject and
  date in the top margin of every printed page and numbers the pages.
* :data:`PRINT_CSS`: A4 and Letter print layout (summary and rep table first, stills in a
  grid, plots and rows never cut across pages).
* :func:`video_section`: the annotated H.264 video embedded in the page, with play/pause,
  1/4 and 1/8 speed, frame stepping by key and one button per rep or step. This is the
  page's only script: it is inline and loads nothing.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from typing import Any

PRINT_CSS = """
.session{background:#fff;border:1px solid #ccc;padding:6px 10px;margin:6px 0 10px;font-size:.92em}
.session b{margin-right:4px}.session .clinician{color:#1f4e9a}
tr.clinician th,tr.clinician td{color:#1f4e9a;font-weight:bold}
#video video{max-width:100%;max-height:80vh;background:#000;display:block}
.player{margin:6px 0;display:flex;flex-wrap:wrap;gap:4px}.player button{font:inherit;padding:3px 8px}
.player button.on{background:#1f4e9a;color:#fff}
@media print{
body{background:#fff;font-size:9pt}main{max-width:none;padding:0;display:flex;flex-direction:column}
main>*{order:9}.part-title,.part-session{order:0}.part-summary{order:1}.part-items{order:2}
.part-pictures{order:3;display:flex;flex-direction:column}.part-pictures>*{order:2}
.part-pictures h2:has(+.stills),.part-pictures h2:has(+p+.stills),.part-pictures p:has(+.stills),
.part-pictures .stills{order:1}
h1{font-size:1.3em;margin:0}h2{font-size:1.08em;margin:8px 0 3px;break-after:avoid}
.summary p{margin:2px 0}table{font-size:.88em;margin:3px 0}th,td{padding:2px 5px}
tr,figure,img{break-inside:avoid}.wide{overflow:visible}
.stills{display:grid;grid-template-columns:repeat(4,1fr);gap:4px}
.stills figure{max-width:none;margin:0;padding:2px}.stills figcaption{font-size:.78em}
.stills figure img{max-height:62mm;width:auto;max-width:100%;margin:0 auto}
.side-plots figure,figure{max-width:100%}figure img{max-height:100mm;width:auto;max-width:100%}
.part-video,footer{display:none}
}
"""
"""Screen styles of the session block and player, and the print layout (A4 and Letter)."""


BATCH_PRINT_CSS = """
@page{margin:10mm;@bottom-right{content:"page " counter(page) " of " counter(pages);font:8pt sans-serif;color:#555}}
@media print{body{background:#fff;font-size:8pt}main{max-width:none;padding:0}.wide{overflow:visible}
table{font-size:.85em;width:100%}th,td{padding:2px 3px;overflow-wrap:anywhere}tr,figure{break-inside:avoid}
figure img{max-width:100%;max-height:90mm;width:auto}footer{display:none}}
"""
"""Print layout of the batch summary (``hipform report RESULTS/``): the wide table wraps instead of being cut."""


def esc(v: Any) -> str:
    """HTML-escape any value as text."""
    return html.escape(str(v), quote=True)


def css_string(text: str) -> str:
    """A CSS string literal holding ``text`` (quotes, backslashes, ``<`` and newlines escaped)."""
    out = []
    for ch in text:
        if ch in '"\\' or ch == "<" or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def margin_title(report: Mapping[str, Any], session: Mapping[str, str]) -> str:
    """The line printed in the top margin of every page: subject, date, exercise, clip."""
    parts = []
    if session.get("subject"):
        parts.append(f"Subject {session['subject']}")
    if session.get("date"):
        parts.append(f"session {session['date']}")
    parts.append(str(report.get("exercise") or ""))
    if report.get("source"):
        parts.append(str(report["source"]))
    return " · ".join(p for p in parts if p)


def print_css(report: Mapping[str, Any], session: Mapping[str, str], paper: str | None = None) -> str:
    """The ``@page`` rules: margins, page numbers and the session line on every page.

    Parameters
    ----------
    report : dict
        ``report.json`` content.
    session : dict
        Session facts (``subject``, ``date``, ``note``).
    paper : {"A4", "Letter"} or None
        Page size to force (for ``--pdf``); None lets the browser's print dialog choose.
    """
    size = f"size:{paper};" if paper else ""
    return (
        f"@page{{{size}margin:14mm 11mm 14mm 11mm;"
        f"@top-left{{content:{css_string(margin_title(report, session))};font:8pt sans-serif;color:#555}}"
        '@bottom-right{content:"page " counter(page) " of " counter(pages);font:8pt sans-serif;color:#555}'
        '@bottom-left{content:"hipform report";font:8pt sans-serif;color:#999}}'
    )


def session_header(session: Mapping[str, str], clinician: Mapping[str, tuple[float, float]]) -> str:
    """The session block under the title ('' when there is nothing to say).

    Parameters
    ----------
    session : dict
        ``subject``, ``date``, ``note`` (each optional).
    clinician : dict
        Threshold name -> (value used, default), for thresholds the clinician changed.
    """
    items = []
    if session.get("subject"):
        items.append(f"<span><b>Subject</b>{esc(session['subject'])}</span>")
    if session.get("date"):
        items.append(f"<span><b>Session</b>{esc(session['date'])}</span>")
    lines = ["&nbsp;&nbsp; ".join(items)] if items else []
    if session.get("note"):
        lines.append(f"<span><b>Clinician's note</b>{esc(session['note'])}</span>")
    if clinician:
        changed = ", ".join(f"{esc(k)} = {v:g} (default {d:g})" for k, (v, d) in clinician.items())
        lines.append(f'<span class="clinician"><b>Thresholds set by the clinician</b>{changed}</span>')
    if not lines:
        return ""
    return '<div class="session" id="session">' + "<br>".join(lines) + "</div>"


PLAYER_JS = """
(function(){var v=document.getElementById('clip');if(!v)return;var dt=1/parseFloat(v.dataset.fps||'30');
function step(n){v.pause();v.currentTime=Math.max(0,Math.min(v.duration||1e9,v.currentTime+n*dt));}
function speed(r){v.playbackRate=r;document.querySelectorAll('.player [data-speed]').forEach(function(b){
b.classList.toggle('on',parseFloat(b.dataset.speed)===r);});}
document.querySelectorAll('.player button').forEach(function(b){b.addEventListener('click',function(){
if(b.dataset.toggle){if(v.paused){v.play();}else{v.pause();}}
else if(b.dataset.speed){speed(parseFloat(b.dataset.speed));if(v.paused)v.play();}
else if(b.dataset.step){step(parseInt(b.dataset.step,10));}
else if(b.dataset.t){v.pause();v.currentTime=parseFloat(b.dataset.t);}});});
document.addEventListener('keydown',function(e){if(e.target&&e.target.tagName==='INPUT')return;
if(e.key===' '||e.key==='k'){e.preventDefault();if(v.paused){v.play();}else{v.pause();}}
else if(e.key==='.'||e.key==='ArrowRight'){e.preventDefault();step(1);}
else if(e.key===','||e.key==='ArrowLeft'){e.preventDefault();step(-1);}});})();
"""


def jump_points(report: Mapping[str, Any]) -> list[tuple[str, float]]:
    """(button label, time in seconds) for each rep's start or each step's initial contact."""
    if report.get("steps"):
        return [(f"step {s['index']} ({s.get('side') or ''})", float(s["ic_s"]))
                for s in report["steps"] if s.get("ic_s") is not None]
    return [(f"rep {r['index']}", float(r["start_s"])) for r in report.get("reps", []) if r.get("start_s") is not None]


def video_section(mp4: bytes, report: Mapping[str, Any]) -> str:
    """The embedded annotated video with its controls and the player script."""
    fps = float(report.get("fps") or 30.0)
    uri = "data:video/mp4;base64," + base64.b64encode(mp4).decode("ascii")
    buttons = ['<button type="button" data-toggle="1">play / pause</button>']
    buttons += [f'<button type="button" data-speed="{r}">{lab}</button>'
                for r, lab in ((1, "1×"), (0.25, "¼×"), (0.125, "⅛×"))]
    buttons += ['<button type="button" data-step="-1">◀ frame</button>',
                '<button type="button" data-step="1">frame ▶</button>']
    buttons += [f'<button type="button" data-t="{t:.4f}">{esc(label)}</button>' for label, t in jump_points(report)]
    return (
        '<h2 id="video-h">Video</h2><div id="video">'
        f'<video id="clip" src="{uri}" data-fps="{fps:g}" controls muted playsinline preload="auto"></video>'
        f'<div class="player">{"".join(buttons)}</div>'
        '<p class="note">Keys: space plays or pauses; <b>,</b> and <b>.</b> (or the arrow keys) step one frame '
        "back or forward. Skeleton colours: the person's left and right as in the legend; grey during a "
        "rep or step that was not judged.</p></div>"
        f"<script>{PLAYER_JS}</script>"
    )

