// The --report page's stylesheet, inline in its <head>.
#pragma once

#include <string_view>

namespace jobstream::detail {

// System fonts only; colours that survive printing (print-color-adjust) and
// a grey scale for everything that is not data.
inline constexpr std::string_view kReportStyle =
    R"(:root { color-scheme: light; --ink: #1f2328; --muted: #626a73; --line: #e1e4e8;
  --accent: #4e79a7; --bad: #b3261e; --good: #1e7b34; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 20px 48px; }
h1 { font-size: 28px; line-height: 1.2; margin: 0 0 4px; font-weight: 650; overflow-wrap: anywhere; }
h2 { font-size: 20px; margin: 40px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); font-weight: 600; }
h3 { font-size: 16px; margin: 26px 0 6px; font-weight: 600; overflow-wrap: anywhere; }
p { margin: 8px 0; max-width: 80ch; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; }
code { font-size: 0.92em; }
.lede { color: var(--muted); margin: 0 0 18px; }
.muted { color: var(--muted); }
nav { font-size: 14px; margin: 18px 0 0; display: flex; flex-wrap: wrap; gap: 4px 18px; }
nav a { color: var(--accent); text-decoration: none; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin: 0; }
.fact { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.fact dt { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.fact dd { margin: 2px 0 0; font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; line-height: 1.25; }
.fact dd.note { font-size: 13px; font-weight: 400; color: var(--muted); }
.fact.good dd:first-of-type { color: var(--good); }
.fact.bad { border-color: var(--bad); }
.fact.bad dd:first-of-type { color: var(--bad); }
.fact.held { border-color: #c77c00; }
.fact.held dd:first-of-type { color: #9a5f00; }
.stopped { border: 2px solid #c77c00; background: #fff6e0; border-radius: 8px; padding: 12px 16px; margin: 18px 0; }
.stopped h2 { border: 0; margin: 0 0 6px; padding: 0; color: #9a5f00; font-size: 18px; }
.stopped pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-size: 14px; }
.failure { border: 2px solid var(--bad); background: #fdeceb; border-radius: 8px; padding: 12px 16px; margin: 18px 0; }
.failure h2 { border: 0; margin: 0 0 6px; padding: 0; color: var(--bad); font-size: 18px; }
.failure pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-size: 14px; }
.incomplete { border-left: 4px solid #c77c00; background: #fff6e0; padding: 8px 14px; margin: 18px 0; }
.incomplete p { margin: 4px 0; }
pre.stats { background: #f6f8fa; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
  font-size: 13px; line-height: 1.5; overflow: auto; max-height: 24em; }
dl.explain { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; font-size: 14px; margin: 12px 0; }
dl.explain dt { white-space: nowrap; }
dl.explain dd { margin: 0; max-width: 90ch; }
table { border-collapse: collapse; width: 100%; font-size: 14px; font-variant-numeric: tabular-nums; }
table.compact { width: auto; min-width: 60%; }
caption { caption-side: top; text-align: left; font-size: 13px; color: var(--muted); padding: 0 0 4px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
th { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em;
  border-bottom: 2px solid #c9ced4; vertical-align: bottom; }
.num { text-align: right; white-space: nowrap; }
td.name { overflow-wrap: anywhere; }
tr.total td { font-weight: 600; border-top: 2px solid #c9ced4; border-bottom: 0; }
tr.gap td { color: var(--muted); text-align: center; font-style: italic; }
.bar { display: inline-block; width: 64px; height: 8px; margin-left: 8px; background: #edf0f3; border-radius: 2px;
  vertical-align: middle; overflow: hidden; text-align: left; }
.bar span { display: block; height: 100%; background: var(--accent); }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px;
  border: 1px solid rgba(0,0,0,.12); }
.swatch.pause { background: repeating-linear-gradient(45deg, rgba(34,34,34,.45) 0 2px, rgba(34,34,34,.07) 2px 5px); }
.swatch.nodata { background: #fbeaea; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 20px; font-size: 13px; margin: 10px 0; padding: 0; list-style: none; }
figure { margin: 12px 0; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 6px; max-width: 110ch; }
svg.chart { display: block; width: 100%; height: auto; }
.sweepcharts { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 8px 28px; }
.sweepcharts figure { margin: 6px 0; }
.scroll { overflow-x: auto; max-width: 100%; }
th.user { text-transform: none; letter-spacing: 0; }  /* the user's own column names */
th .unit { font-weight: 400; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 11px; fill: #30363d; }
svg .tick { fill: #5b636b; }
svg .rank { font-weight: 600; }
svg .partial { font-style: italic; fill: #a05a00; }
svg .missing { fill: var(--bad); }
svg .host { fill: #5b636b; font-size: 10px; font-weight: 400; }
svg .thread { fill: #8a929a; font-size: 9px; }
svg .mark { font-size: 10px; font-weight: 600; fill: #222; }
svg .paneltitle { font-size: 12px; font-weight: 600; }
svg .axistitle { font-size: 12px; fill: #30363d; }
svg .grid { stroke: #eceef0; stroke-width: 1; fill: none; }
svg .axis { stroke: #9aa1a8; stroke-width: 1; fill: none; }
svg rect.nodata { fill: #fbeaea; }
svg text.nodata { fill: var(--bad); font-size: 10px; }
svg .hover rect { fill: transparent; }
footer { margin-top: 48px; padding-top: 8px; border-top: 1px solid var(--line); font-size: 12px; color: var(--muted); }
@media print {
  main { max-width: none; padding: 0; }
  nav { display: none; }
  pre.stats { max-height: none; overflow: visible; }
  h2 { break-after: avoid; }
  figure, tr, .failure, .stopped, .incomplete, .fact { break-inside: avoid; }
}
)";

}  // namespace jobstream::detail
