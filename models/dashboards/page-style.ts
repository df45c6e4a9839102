// The one stylesheet of the dashboards, inlined in every page (pages open from a folder, offline):
// a single column that fits a 390 px phone without horizontal scrolling (charts scale down with
// max-width: 100%; wide tables scroll inside their own box), two columns of charts on a laptop,
// and print without the navigation, one chart never split across pages.
export const PAGE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;background:#f6f7f9}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 16px}
header{padding-top:16px}
h1{font-size:1.5rem;margin:0 0 4px}
h2{font-size:1.05rem;margin:0 0 4px}
nav{display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0 12px}
nav a{color:#2458b3;text-decoration:none}
nav a[aria-current="page"]{font-weight:600;color:#1d2430}
.facts{margin:0 0 12px;padding:8px 12px;background:#fff;border:1px solid #dde1e7;border-radius:6px;font-size:.9rem}
.facts dt{font-weight:600;float:left;clear:left;margin-right:6px}
.facts dd{margin:0 0 2px;overflow-wrap:anywhere}
main{display:grid;grid-template-columns:minmax(0,1fr);gap:14px;padding-bottom:24px}
@media (min-width:900px){main{grid-template-columns:repeat(2,minmax(0,1fr))}}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px;min-width:0}
.axes,.reading,.note{margin:0 0 6px;font-size:.85rem;color:#4a5566}
.reading{color:#1d2430}
.note{font-style:italic}
svg{max-width:100%;height:auto;display:block}
.csv{font-size:.85rem}
.csv a{color:#2458b3}
.table-box{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.85rem;margin-top:6px}
th,td{border-bottom:1px solid #e4e7ec;padding:3px 8px;text-align:right;white-space:nowrap}
td:last-child{white-space:normal;min-width:8em}
th:first-child,td:first-child{text-align:left}
ul.pages{padding-left:18px}
ul.pages li{margin:6px 0}
footer{font-size:.8rem;color:#6b7585;padding-bottom:16px}
@media print{
  body{background:#fff;font-size:11pt}
  nav,.csv{display:none}
  main{display:block}
  section{border:none;padding:0;margin:0 0 12pt;break-inside:avoid}
}
`
