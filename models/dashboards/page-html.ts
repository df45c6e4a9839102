// One dashboard page as a self-contained HTML document: the facts it rests on at the top (range,
// freshness, model versions), then one section per chart with its title, axes and units, a
// reading aid, the inline SVG and a link to its CSV. No script and no request leaves the page
// (the icon is an empty data URL so a browser does not ask the folder for favicon.ico).
import type { ChartSection, DashboardPage, PageFacts } from './dashboard-page.ts'
import type { DashboardPageInfo } from './dashboard-pages.ts'
import { escapeHtml as e } from './html-text.ts'
import { PAGE_CSS } from './page-style.ts'

export const INDEX_FILE = 'index.html'

export function documentHtml(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${e(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
${body}
</body>
</html>
`
}

export function navHtml(pages: DashboardPageInfo[], current: string | null): string {
  const links = [{ file: INDEX_FILE, title: 'All pages' }, ...pages].map((p) => `<a href="${e(p.file)}"${p.file === current ? ' aria-current="page"' : ''}>${e(p.title)}</a>`)
  return `<nav>${links.join('')}</nav>`
}

export function factsHtml(facts: PageFacts): string {
  const versions = facts.modelVersions.length ? facts.modelVersions.map(e).join('<br>') : 'no model fitted yet'
  return `<dl class="facts">
<dt>Range</dt><dd>${e(facts.from)} to ${e(facts.to)} (UTC; the end excluded)</dd>
<dt>Freshness</dt><dd>${e(facts.freshness)}</dd>
<dt>Models</dt><dd>${versions}</dd>
<dt>As of</dt><dd>${e(facts.generatedAt)} (the clock's now when the pages were written)</dd>
</dl>`
}

function tableHtml(table: NonNullable<ChartSection['table']>): string {
  const head = table.columns.map((c) => `<th scope="col">${e(c)}</th>`).join('')
  const rows = table.rows.map((r) => `<tr>${r.map((v) => `<td>${e(v)}</td>`).join('')}</tr>`).join('\n')
  return `<div class="table-box"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`
}

export function sectionHtml(s: ChartSection): string {
  return `<section id="${e(s.id)}" aria-labelledby="${e(s.id)}-title">
<h2 id="${e(s.id)}-title">${e(s.title)}</h2>
<p class="axes">${e(s.axes)}</p>
<p class="reading">${e(s.reading)}</p>
<figure class="chart" style="margin:0">${s.svg}</figure>
${s.note ? `<p class="note">${e(s.note)}</p>` : ''}${s.table ? tableHtml(s.table) : ''}
<p class="csv"><a href="${e(s.csvFile)}" download>Data behind this chart (CSV)</a></p>
</section>`
}

export function pageHtml(page: DashboardPage): string {
  const title = `${page.info.title} · ${page.facts.siteTitle}`
  const body = `<header>
<h1>${e(page.info.title)}</h1>
${navHtml(page.nav, page.info.file)}
${factsHtml(page.facts)}
</header>
<main>
${page.sections.map(sectionHtml).join('\n')}
</main>
<footer>${e(page.facts.siteTitle)} dashboards, written by <code>pulse dashboards</code>. Hover a mark for its figures; every chart's data is in its CSV.</footer>`
  return documentHtml(title, body)
}

/** index.html: the pages written, each with its one-line summary, and the facts they share. */
export function indexHtml(pages: DashboardPageInfo[], facts: PageFacts): string {
  const items = pages.map((p) => `<li><a href="${e(p.file)}">${e(p.title)}</a>: ${e(p.summary)}</li>`).join('\n')
  const body = `<header>
<h1>${e(facts.siteTitle)} dashboards</h1>
${navHtml(pages, INDEX_FILE)}
${factsHtml(facts)}
</header>
<main style="display:block"><section><h2>Pages</h2><ul class="pages">
${items}
</ul></section></main>`
  return documentHtml(`${facts.siteTitle} dashboards`, body)
}
