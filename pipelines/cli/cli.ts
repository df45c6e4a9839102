// The CLI entry (each command's module loaded only when it runs, so `ltv fit` does not load the server): `pulse serve | sql | customer | tags | audience | dashboards | funnel | retention | lifecycle | paths | stickiness | replay | dead-letters replay | simulate | import | ltv fit | churn fit | churn card | demo`. Flags and environment are read by config.ts.
import { Command, Option } from 'commander'
import { ConfigError, loadConfig, optionSpecs, processEnv, rangeOf, type FlagValues } from '../config.ts'
import { rangeText } from '../numeric-range.ts'
import type { ChurnFitOptions } from './churn-fit-command.ts'
import type { DashboardsOptions } from './dashboards-command.ts'
import { personCausedErrorLine } from './error-line.ts'
import type { LtvFitOptions } from './ltv-fit-command.ts'
import { numericOption, real, whole } from './numeric-option.ts'
import type { AudienceFlags } from './audience-command.ts'
import type { FunnelFlags } from './funnel-command.ts'
import type { LifecycleFlags } from './lifecycle-command.ts'
import type { PathsFlags } from './paths-command.ts'
import type { RetentionFlags } from './retention-command.ts'
import type { StickinessFlags } from './stickiness-command.ts'
import { userError } from './user-error.ts'

function withConfigOptions(cmd: Command): Command {
  for (const spec of optionSpecs) {
    const notes = [
      ...(spec.kind === 'int' || spec.kind === 'number' ? [rangeText(rangeOf(spec))] : []),
      ...(spec.default !== undefined && spec.kind !== 'bool' ? [`default: ${spec.default}`] : []),
    ]
    const opt = new Option(spec.flag, `${spec.help}${notes.length ? ` (${notes.join('; ')})` : ''} [env ${spec.env}]`)
    if (spec.kind === 'list') opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    cmd.addOption(opt)
  }
  return cmd
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('pulse').description('Pulse: streaming customer data and analytics').showHelpAfterError('(add --help for the options and their allowed values)')
  withConfigOptions(program.command('serve').description('run the tracking endpoint, the stream processor and the query API')).action(
    async (flags: FlagValues) => {
      const { runServe } = await import('./serve-command.ts')
      return runServe(loadConfig(flags, processEnv()))
    },
  )
  withConfigOptions(
    program
      .command('sql')
      .description('run one read-only query: against a running Pulse (--url or the data folder\'s server) or directly on the data folder')
      .argument('<query>', 'SQL, with {name:Type} parameters')
      .option('--url <url>', 'base URL of a running Pulse')
      .option('--param <name=value>', 'a query parameter (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--format <format>', 'table, json or csv', 'table'),
  ).action(async (query: string, flags: FlagValues) => {
    const { runSql } = await import('./sql-command.ts')
    return runSql(query, flags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    program
      .command('customer')
      .description('one customer of a running Pulse by any of its ids or its person id: ids, traits, tags, scores, features, latest events')
      .argument('<id>', 'a user id, anonymous id, PostHog distinct id or person id (p_…)')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print the customer as JSON'),
  ).action(async (id: string, flags: FlagValues) => {
    const { runCustomer } = await import('./customer-command.ts')
    return runCustomer(id, flags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    program
      .command('tags')
      .description('the tags customers hold now with their counts, or the customers holding one tag (from a running Pulse)')
      .argument('[tag]', 'list the customers holding this tag, e.g. high_frequency or region:north')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print JSON'),
  ).action(async (tag: string | undefined, flags: FlagValues) => {
    const { runTags } = await import('./tags-command.ts')
    return runTags(tag, flags, loadConfig(flags, processEnv()))
  })
  const audience = program.command('audience').description('saved audiences of a running Pulse: definitions over tags, their members and change sets')
  withConfigOptions(
    audience
      .command('create')
      .description('create an audience, or replace the definition of the one of that name (admin key)')
      .option('--file <file>', 'the JSON definition: { "name", "description", "all", "any", "none", "churn_bands", "value_tiers", "funnel_dropoffs" }')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print the API\'s JSON answer'),
  ).action(async (flags: FlagValues) => {
    const { runAudienceCreate } = await import('./audience-command.ts')
    return runAudienceCreate(flags as AudienceFlags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    audience
      .command('list')
      .description('the saved audiences with their member counts')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print JSON'),
  ).action(async (flags: FlagValues) => {
    const { runAudienceList } = await import('./audience-command.ts')
    return runAudienceList(flags as AudienceFlags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    audience
      .command('members')
      .description('every member of an audience now, as a table, JSON, CSV, Arrow or Parquet')
      .argument('<name>', 'the audience')
      .option('--format <format>', 'table, json, csv, arrow or parquet (default table)')
      .option('--out <file>', 'write to this file instead of standard output')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'the same as --format json'),
  ).action(async (name: string, flags: FlagValues) => {
    const { runAudienceMembers } = await import('./audience-command.ts')
    return runAudienceMembers(name, flags as AudienceFlags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    audience
      .command('changes')
      .description('who joined and who left an audience since a cursor (every member without one), as JSON with the next cursor')
      .argument('<name>', 'the audience')
      .option('--since <cursor>', 'the next_cursor of the previous change set')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)'),
  ).action(async (name: string, flags: FlagValues) => {
    const { runAudienceChanges } = await import('./audience-command.ts')
    return runAudienceChanges(name, flags as AudienceFlags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    audience
      .command('delete')
      .description('delete an audience with its change-set log (admin key)')
      .argument('<name>', 'the audience')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)'),
  ).action(async (name: string, flags: FlagValues) => {
    const { runAudienceDelete } = await import('./audience-command.ts')
    return runAudienceDelete(name, flags as AudienceFlags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    program
      .command('dashboards')
      .description('write static dashboards (HTML pages with charts, the CSV behind each chart) from a running Pulse (--url or the data folder\'s server) or the data folder')
      .option('--out <dir>', 'folder to write index.html, the pages and data/*.csv into (default: <data-dir>/dashboards)')
      .option('--from <time>', 'start of the range: a date (YYYY-MM-DD, 00:00 UTC) or an ISO time with a zone (default: range_days of the config before --to)')
      .option('--to <time>', 'end of the range, excluded: a date or an ISO time with a zone (default: now, see --now)')
      .option('--config <file>', 'dashboards config (JSON): title, pages, range_days, nps_period, histogram_bins')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir, else the data folder itself)'),
  ).action(async (flags: FlagValues) => {
    const { printDashboards, runDashboards } = await import('./dashboards-command.ts')
    return printDashboards(await runDashboards(flags as DashboardsOptions, loadConfig(flags, processEnv())))
  })
  withConfigOptions(
    program
      .command('funnel')
      .description('a person funnel from a running Pulse: persons per step, conversion, drop-off and time to convert')
      .option('--steps <events>', 'the step events, comma-separated, e.g. "Product Viewed,Checkout Started,Order Completed"')
      .option('--window <duration>', 'time to convert from the first step: <n>s|m|h|d|w (default 14d)')
      .option('--from <time>', 'first entry time: a date (YYYY-MM-DD) or an ISO time with its zone (default: 30 days before --to)')
      .option('--to <time>', 'entries before this time (default: now)')
      .option('--order <order>', 'ordered, strict or any (default ordered)')
      .option('--breakdown <property>', 'split by this event property')
      .option('--attribution <attribution>', 'which event gives the breakdown value: first_touch, last_touch or step (default first_touch)')
      .option('--attribution-step <k>', 'with --attribution step: the 0-based step')
      .option('--request <file>', 'a JSON funnel request (filters, exclusions, step windows, held properties); the flags above override it')
      .option('--histogram', 'also the time-to-convert histogram, first step to last (a --request file may set from_step and to_step)')
      .option('--bins <n>', 'bins of the histogram, 1 to 200 (default 20)')
      .option('--interval <interval>', 'also conversion over time by entry day or week')
      .option('--persons <status>', 'list persons instead of counting: dropped (furthest step is --step) or converted (reached --step)')
      .option('--step <k>', 'with --persons: the 0-based step')
      .option('--format <format>', 'with --persons: table, json, csv or arrow (default table, or csv with --out)')
      .option('--out <file>', 'with --persons: write the persons to this file')
      .option('--save-as <name>', 'with --persons: save them as the tag funnel_dropoff:<name>, replacing its holders (admin key)')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print the API\'s JSON answer'),
  ).action(async (flags: FlagValues) => {
    const { runFunnelCommand } = await import('./funnel-command.ts')
    return runFunnelCommand(flags as FunnelFlags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    program
      .command('retention')
      .description('a cohort retention table from a running Pulse: per cohort period its size and the persons who came back each period after')
      .option('--cohort-event <event>', 'the event that puts a person in a cohort, e.g. "Signed Up"')
      .option('--return-event <event>', 'the event that counts as coming back (default: the cohort event)')
      .option('--cohort-type <type>', 'first_time (the period of the first cohort event ever) or recurring (every period with one) (default first_time)')
      .option('--retention-type <type>', 'on (back in exactly that period) or on_or_after (in it or any later one) (default on)')
      .option('--period <period>', 'day, week (from Monday) or month, UTC (default week)')
      .option('--periods <n>', 'periods after each cohort\'s own, its own included: 1 to 53 (default 12)')
      .option('--from <time>', 'first cohort: the period holding this date (YYYY-MM-DD) or ISO time with its zone (default: --periods periods up to --to)')
      .option('--to <time>', 'cohorts up to the period holding the instant before this time (default: now)')
      .option('--breakdown <property>', 'split by this property of each person\'s cohort event')
      .option('--request <file>', 'a JSON retention request (filters on either event); the flags above override it')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print the API\'s JSON answer'),
  ).action(async (flags: FlagValues) => {
    const { runRetentionCommand } = await import('./retention-command.ts')
    return runRetentionCommand(flags as RetentionFlags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    program
      .command('lifecycle')
      .description('persons new, returning, resurrecting and dormant (negative) per period, from a running Pulse')
      .option('--event <event>', 'the activity event, e.g. "Order Completed"')
      .option('--period <period>', 'day, week (from Monday) or month, UTC (default week)')
      .option('--from <time>', 'first period: the one holding this date (YYYY-MM-DD) or ISO time with its zone (default: 12 periods up to --to)')
      .option('--to <time>', 'up to the period holding the instant before this time (default: now)')
      .option('--request <file>', 'a JSON lifecycle request (filters); the flags above override it')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print the API\'s JSON answer'),
  ).action(async (flags: FlagValues) => {
    const { runLifecycleCommand } = await import('./lifecycle-command.ts')
    return runLifecycleCommand(flags as LifecycleFlags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    program
      .command('paths')
      .description('the paths persons take through their sessions, from a running Pulse: per step the events with their paths and drop-offs, and the links between steps')
      .option('--start <event>', 'paths from the first time each session does this event')
      .option('--end <event>', 'paths leading to the first time each session does this event')
      .option('--steps <n>', 'events per path, the anchor included: 2 to 20 (default 5)')
      .option('--session-gap <duration>', 'inactivity that ends a session: <n>s|m|h|d|w (default 30m)')
      .option('--top <n>', 'events kept per step, the rest shown as (other): 1 to 100 (default 20)')
      .option('--include <events>', 'only these events, comma-separated')
      .option('--exclude <events>', 'leave out these events, comma-separated')
      .option('--from <time>', 'a date (YYYY-MM-DD) or an ISO time with its zone (default: 30 days before --to)')
      .option('--to <time>', 'events before this time (default: now)')
      .option('--request <file>', 'a JSON paths request; the flags above override it')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print the API\'s JSON answer (Sankey nodes and links)'),
  ).action(async (flags: FlagValues) => {
    const { runPathsCommand } = await import('./paths-command.ts')
    return runPathsCommand(flags as PathsFlags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    program
      .command('stickiness')
      .description('persons by the number of days (weeks, months) they did an event, from a running Pulse')
      .option('--event <event>', 'the event that makes a person active')
      .option('--period <period>', 'the unit counted: day, week or month (default day)')
      .option('--interval <interval>', 'with days: count them in each week or month of the range')
      .option('--from <time>', 'a date (YYYY-MM-DD) or an ISO time with its zone (default: 30 days before --to)')
      .option('--to <time>', 'events before this time (default: now)')
      .option('--request <file>', 'a JSON stickiness request (with filters); the flags above override it')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print the API\'s JSON answer'),
  ).action(async (flags: FlagValues) => {
    const { runStickinessCommand } = await import('./stickiness-command.ts')
    return runStickinessCommand(flags as StickinessFlags, loadConfig(flags, processEnv()))
  })
  withConfigOptions(
    program
      .command('compact')
      .description('merge the analysis table into one part, so range analyses read it without merging (after importing per-customer histories)')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print the layout before and after as JSON'),
  ).action(async (flags: FlagValues) => {
    const { runCompact } = await import('./compact-command.ts')
    return runCompact(flags as { url?: string; json?: boolean }, loadConfig(flags, processEnv()))
  })
  withConfigOptions(program.command('replay').description('reprocess the whole event stream from the start (run while Pulse is stopped)')).action(
    async (flags: FlagValues) => {
      const { runReplay } = await import('./replay-command.ts')
      return runReplay(loadConfig(flags, processEnv()))
    },
  )
  withConfigOptions(
    program
      .command('dead-letters')
      .description('events and requests that could not be stored')
      .command('replay')
      .description('re-submit dead letters through a running Pulse once their cause is fixed (validated again, each event stored once)')
      .option('--reason <reason>', 'only dead letters of this reason (e.g. refused_by_engine)')
      .option('--since <time>', 'only dead letters received since this date (YYYY-MM-DD) or ISO time')
      .option('--dry-run', 'report what would be re-submitted, send nothing')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)'),
  ).action(async (flags: FlagValues) => {
    const { printDeadLettersReplay, runDeadLettersReplay } = await import('./dead-letters-command.ts')
    const f = flags as { reason?: string; since?: string; dryRun?: boolean; url?: string }
    printDeadLettersReplay(await runDeadLettersReplay({ reason: f.reason, since: f.since, dryRun: Boolean(f.dryRun), url: f.url }, loadConfig(flags, processEnv())))
  })
  withConfigOptions(
    program
      .command('simulate')
      .description('simulate a service platform\'s customers and send their events to a running Pulse (or write NDJSON with --out)')
      .addOption(numericOption('--customers <n>', 'people to simulate', whole(1, 10_000_000), 1000))
      .addOption(numericOption('--days <n>', 'length of the simulated period', whole(1, 3650), 365))
      .option('--start <date>', 'first day, YYYY-MM-DD (default: --days before today)')
      .addOption(numericOption('--seed <n>', 'random seed: the same seed gives the same events', whole(0, 2 ** 32 - 1), 1))
      .addOption(numericOption('--rate <events/s>', 'send at most this many events per second (0: as fast as Pulse takes them)', whole(0, 10_000_000), 0))
      .option('--out <dir>', 'write events.ndjson and truth.ndjson here instead of sending')
      .option('--truth <file>', 'where the truth file goes (default: <out>/truth.ndjson or <data-dir>/simulation-truth.ndjson)')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .addOption(numericOption('--batch <n>', 'events per request', whole(1, 10_000), 100))
      .addOption(numericOption('--concurrency <n>', 'requests in flight', whole(1, 256), 8)),
  ).action(async (flags: FlagValues) => {
    const { printSimulateSummary, runSimulate } = await import('./simulate-command.ts')
    const f = flags as Record<string, unknown>
    const summary = await runSimulate(
      {
        customers: f.customers as number, days: f.days as number, start: f.start as string | undefined, seed: f.seed as number, rate: f.rate as number,
        out: f.out as string | undefined, url: f.url as string | undefined, truth: f.truth as string | undefined, batch: f.batch as number, concurrency: f.concurrency as number,
      },
      loadConfig(flags, processEnv()),
    )
    printSimulateSummary(summary)
  })
  withConfigOptions(
    program
      .command('import')
      .description('backfill history into a running Pulse from NDJSON (Segment or PostHog events) or CSV with a column mapping')
      .argument('<file>', 'the file to import')
      .option('--format <format>', 'ndjson or csv (default: from the file name)')
      .option('--delimiter <d>', 'CSV delimiter: a character, "tab" or "whitespace"', ',')
      .option('--columns <names>', 'comma-separated column names, for a CSV file without a header row')
      .option('--event <name>', 'the event each CSV row becomes', 'Order Completed')
      .option('--user-col <column>', 'CSV column with the customer id')
      .option('--time-col <column>', 'CSV column with the time')
      .option('--time-format <format>', 'auto, iso, yyyymmdd, epoch-ms or epoch-s', 'auto')
      .option('--revenue-col <column>', 'CSV column with the amount (stored as revenue)')
      .option('--id-col <column>', 'CSV column with a unique row id (default: derived from the row)')
      .option('--rejected <file>', 'where rows that cannot be imported go (default: <file>.rejected.ndjson)')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .addOption(numericOption('--batch <n>', 'events per request', whole(1, 10_000), 500))
      .addOption(numericOption('--concurrency <n>', 'requests in flight', whole(1, 256), 4))
      .addOption(numericOption('--rate <events/s>', 'send at most this many events per second (0: no limit)', whole(0, 10_000_000), 0)),
  ).action(async (file: string, flags: FlagValues) => {
    const { printImportSummary, runImport } = await import('./import-command.ts')
    const f = flags as Record<string, string | number | undefined>
    const timeFormat = String(f.timeFormat)
    if (!['auto', 'iso', 'yyyymmdd', 'epoch-ms', 'epoch-s'].includes(timeFormat)) throw userError(`--time-format must be auto, iso, yyyymmdd, epoch-ms or epoch-s, got ${timeFormat}`)
    const format = f.format as string | undefined
    if (format !== undefined && format !== 'ndjson' && format !== 'csv') throw userError(`--format must be ndjson or csv, got ${format}`)
    const summary = await runImport(
      {
        file, format, delimiter: String(f.delimiter), columns: typeof f.columns === 'string' ? f.columns.split(',').map((c) => c.trim()) : undefined,
        mapping: { event: String(f.event), userCol: f.userCol as string | undefined, timeCol: f.timeCol as string | undefined, timeFormat: timeFormat as 'auto', revenueCol: f.revenueCol as string | undefined, idCol: f.idCol as string | undefined },
        rejected: f.rejected as string | undefined, url: f.url as string | undefined, batch: Number(f.batch), concurrency: Number(f.concurrency), rate: Number(f.rate),
      },
      loadConfig(flags, processEnv()),
    )
    printImportSummary(summary)
  })
  const ltv = program.command('ltv').description('customer lifetime value models')
  ltv
    .command('fit')
    .description('fit BG/NBD and Gamma-Gamma on a summary or transaction file (no server needed)')
    .option('--summary <file>', 'CSV with a header: id, frequency|x, recency|t_x, T[, monetary|zbar]')
    .option('--transactions <file>', 'transaction log to summarise first')
    .option('--customer-col <column>', 'transactions: the customer column')
    .option('--date-col <column>', 'transactions: the date column')
    .option('--amount-col <column>', 'transactions: the amount column')
    .option('--calibration-end <date>', 'transactions: last day of the calibration period, YYYY-MM-DD')
    .option('--period <period>', 'transactions: purchase period, day or week (several purchases in one count once)', 'day')
    .addOption(numericOption('--unit-days <n>', 'days per time unit of the summaries (7: weeks, as in the papers)', whole(1, 365), 7))
    .option('--delimiter <d>', 'a character, "tab" or "whitespace"', ',')
    .option('--columns <names>', 'comma-separated column names, for a file without a header row')
    .option('--json', 'print the fit as JSON')
    .option('--predict <file>', 'write per-customer predictions (CSV) here')
    .addOption(numericOption('--horizon <n>', 'with --predict: time units ahead for expected purchases', whole(1, 5200)))
    .addOption(numericOption('--months <n>', 'with --predict: CLV horizon in months', whole(1, 1200), 12))
    .addOption(numericOption('--discount <rate>', 'with --predict: monthly discount rate', real(0, 1), 0.01))
    .action(async (flags: Record<string, unknown>) => {
      const { assertFitUsable, printLtvFit, runLtvFit } = await import('./ltv-fit-command.ts')
      if (flags.period !== 'day' && flags.period !== 'week') throw userError(`--period must be day or week, got ${flags.period}`)
      const opts = { ...flags, json: Boolean(flags.json), columns: typeof flags.columns === 'string' ? flags.columns.split(',').map((c) => c.trim()) : undefined } as LtvFitOptions
      const result = await runLtvFit(opts)
      printLtvFit(result, opts)
      assertFitUsable(result, opts)
    })
  withConfigOptions(
    ltv
      .command('refresh')
      .description('refit the value models on the purchases in ClickHouse and store every customer\'s scores (through the running Pulse, or on the data folder)')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--as-of <date>', 'fit on the purchases up to the end of this day (default: now)')
      .option('--json', 'print the fit as JSON'),
  ).action(async (flags: FlagValues) => {
    const { runLtvRefresh } = await import('./ltv-refresh-command.ts')
    return runLtvRefresh(flags as { url?: string; asOf?: string; json?: boolean }, loadConfig(flags, processEnv()))
  })
  const churn = program.command('churn').description('churn model')
  withConfigOptions(
    churn
      .command('card')
      .description('the churn model\'s quality card of a running Pulse: AUC, PR-AUC, Brier, lift, calibration, backtest, coefficients')
      .option('--version <version>', 'the card stored with this value-fit version (default: the latest)')
      .option('--url <url>', 'base URL of a running Pulse (default: the one serving --data-dir)')
      .option('--json', 'print the API\'s answer as JSON'),
  ).action(async (flags: FlagValues) => {
    const { runChurnCard } = await import('./churn-card-command.ts')
    return runChurnCard(flags, loadConfig(flags, processEnv()))
  })
  churn
    .command('fit')
    .description('train the churn model on a transaction log up to the calibration end and print its quality card (no server needed)')
    .option('--transactions <file>', 'the transaction log')
    .option('--customer-col <column>', 'the customer column')
    .option('--date-col <column>', 'the date column (YYYYMMDD or ISO)')
    .option('--amount-col <column>', 'the amount column')
    .option('--calibration-end <date>', 'last day the model may see, YYYY-MM-DD')
    .addOption(numericOption('--horizon-days <n>', 'churn: no purchase in this many days after the scoring day', whole(1, 3650)))
    .addOption(numericOption('--step-days <n>', 'days between training cutoffs (default: the horizon, at most 30)', whole(1, 3650)))
    .option('--delimiter <d>', 'a character, "tab" or "whitespace"', ',')
    .option('--columns <names>', 'comma-separated column names, for a file without a header row')
    .option('--json', 'print the quality card as JSON')
    .option('--predict <file>', 'write customer,churn_probability for every customer (CSV) here')
    .action(async (flags: Record<string, unknown>) => {
      const { assertChurnFitUsable, printChurnFit, runChurnFit } = await import('./churn-fit-command.ts')
      const opts = { ...flags, json: Boolean(flags.json), columns: typeof flags.columns === 'string' ? flags.columns.split(',').map((c) => c.trim()) : undefined } as ChurnFitOptions
      const result = await runChurnFit(opts)
      printChurnFit(result, opts)
      assertChurnFitUsable(result, opts)
    })
  withConfigOptions(program.command('demo').description('start Pulse on embedded defaults, send events through HTTP and show them counted')).action(
    async (flags: FlagValues) => {
      const { runDemo } = await import('./demo-command.ts')
      return runDemo(loadConfig(flags, processEnv()))
    },
  )
  await program.parseAsync(argv)
}

main(process.argv).catch((err) => {
  const line = personCausedErrorLine(err)
  if (err instanceof ConfigError || err?.name === 'NatsServerMissing' || err?.userFacing) {
    console.error(`pulse: ${err.message}`)
  } else if (line !== null) {
    console.error(`pulse: ${line}`)
  } else {
    console.error('pulse: failed:', err)
  }
  process.exit(1)
})
