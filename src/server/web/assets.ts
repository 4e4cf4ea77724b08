// The operator view's only asset, embedded in the binary as a string: no build step, no CDN, works offline.
export const STYLESHEET = `
:root { --fg: #1d2330; --muted: #5d6678; --line: #dde1e8; --bg: #f6f7f9; --card: #fff; --accent: #2f5bd3;
  --pass: #1f7a3f; --pass-bg: #e3f4e8; --fail: #b42318; --fail-bg: #fde8e6; --stale: #8a5a00; --stale-bg: #fff2d6;
  --behind: #5b3cc4; --behind-bg: #ece7fb; --never: #4b5563; --never-bg: #eceef1; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: #18202f; color: #fff; }
header .brand { font-weight: 700; letter-spacing: .02em; }
header .org, header .who { color: #aeb8cc; }
header nav { display: flex; gap: 1rem; flex: 1; }
header nav a, header button { color: #dfe6f5; }
header form { margin: 0; }
header button { background: none; border: 1px solid #4a5670; border-radius: 4px; padding: .2rem .7rem; cursor: pointer; font: inherit; }
main { max-width: 1200px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .6rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; color: var(--muted); }
section > h2:first-child { margin-top: 0; }
table.workflows { table-layout: fixed; }
table.workflows th:nth-child(1) { width: 20%; } table.workflows th:nth-child(2) { width: 30%; }
table.workflows th:nth-child(3) { width: 22%; }
section, .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
tr:last-child td { border-bottom: 0; }
code, pre, .digest { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
.digest { word-break: break-all; }
table.materials { table-layout: fixed; }
table.materials th:nth-child(1) { width: 20%; } table.materials th:nth-child(2) { width: 9rem; }
table.materials th:nth-child(4) { width: 11rem; } table.materials th:nth-child(6) { width: 7rem; }
table.materials td { overflow-wrap: anywhere; }
table.materials dl.facts { grid-template-columns: minmax(0, 1fr); gap: 0; }
table.materials dl.facts dd { margin-bottom: .3rem; }
pre { background: #f1f3f6; border: 1px solid var(--line); border-radius: 6px; padding: .8rem; overflow: auto; max-height: 32rem; }
.muted { color: var(--muted); }
.counts { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .75rem; margin-bottom: 1.25rem; }
.count { display: block; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; color: var(--fg); }
.count:hover { text-decoration: none; border-color: var(--accent); }
.count.selected { outline: 2px solid var(--accent); }
.count strong { display: block; font-size: 1.8rem; line-height: 1.2; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-size: .8rem; font-weight: 600; white-space: nowrap; }
.s-passing, .r-succeeded { color: var(--pass); background: var(--pass-bg); }
.s-failing, .r-failed, .r-cancelled, .r-expired { color: var(--fail); background: var(--fail-bg); }
.s-blocked, .r-blocked { color: #fff; background: var(--fail); }
.count.alert { border: 2px solid var(--fail); background: var(--fail-bg); }
.count.alert strong { color: var(--fail); }
.s-stale, .r-initialized { color: var(--stale); background: var(--stale-bg); }
.s-behind { color: var(--behind); background: var(--behind-bg); }
.s-never_run { color: var(--never); background: var(--never-bg); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.25rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
dl.facts dd ul { margin: 0; padding-left: 1.1rem; }
.notice { border-left: 4px solid var(--accent); }
.notice.bad { border-left-color: var(--fail); }
.notice.good { border-left-color: var(--pass); }
form.inline { display: flex; gap: .5rem; }
input[type=text], input[type=password] { flex: 1; font: inherit; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; }
button.primary { font: inherit; padding: .45rem 1rem; border: 0; border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
.login { max-width: 460px; margin: 12vh auto; }
.error { color: var(--fail); }
ul.graph { list-style: none; padding-left: 1.2rem; border-left: 2px solid var(--line); margin: .4rem 0; }
ul.graph li { margin: .35rem 0; }
.node { display: inline-flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.kind { font-size: .75rem; font-weight: 700; color: var(--muted); }
.diff { padding: .5rem 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; background: #f8f9fb; border: 1px solid var(--line); border-radius: 6px; overflow: auto; }
.diff div { padding: 0 .8rem; white-space: pre-wrap; }
.diff .add { background: #e6f6ea; }
.diff .del { background: #fdebea; }
.diff .add::before { content: "+ "; color: var(--pass); }
.diff .del::before { content: "- "; color: var(--fail); }
.diff .same::before { content: "  "; }
.diff-pair { display: grid; grid-template-columns: minmax(16rem, 1fr) 2fr; gap: 1rem; align-items: start; }
@media (max-width: 50rem) { .diff-pair { grid-template-columns: 1fr; } }
.changes { list-style: none; padding: 0; margin: 0; }
.changes li { padding: .2rem .5rem; border-radius: 4px; margin-bottom: .2rem; }
.changes .add { background: #e6f6ea; } .changes .add::before { content: "+ "; color: var(--pass); }
.changes .del { background: #fdebea; } .changes .del::before { content: "- "; color: var(--fail); }
.changes .mod { background: #fff6e0; } .changes .mod::before { content: "~ "; }
`;

/** Three stacked stones: the tab icon (served as a file, since the CSP allows no data: URLs). */
export const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<ellipse cx="16" cy="26" rx="12" ry="5" fill="#5d6678"/><ellipse cx="16" cy="17" rx="8.5" ry="4.5" fill="#2f5bd3"/>
<ellipse cx="16" cy="9" rx="5" ry="3.5" fill="#1f7a3f"/></svg>`;
