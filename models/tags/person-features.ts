// One person's rolling features as of a time `now`: what the tag rules, lifecycle, health score and
// profile API read. Windows are exact in time: "last 7 days" is (now - 7 d, now]; "the 30 before"
// is (now - 60 d, now - 30 d]; "the 91 days before the last 91" is (now - 182 d, now - 91 d].
// Times are ms since epoch (UTC); null when the person never did the thing.

/**
 * Window lengths, in days, at whose edge a counted event changes window: 7, 30 and 60 (the 30
 * before the last 30), 63 (the 8-week baseline before the last 7 days), 90, 91 and 182 (the 91
 * days before the last 91), 180, 365.
 */
export const WINDOW_EDGES_DAYS: readonly number[] = [7, 30, 60, 63, 90, 91, 180, 182, 365]

export interface OpenComplaint {
  complaintId: string
  /** As sent (`major`, `normal`, ...); unknown severities get the normal deadline. */
  severity: string
  filedAt: number
  deadline: number
}

export interface WindowedOrders {
  orders: number
  spend: number
  couponOrders: number
}

export interface PersonFeatures {
  personId: string
  ids: string[]
  firstSeen: number | null
  lastSeen: number | null
  lastActivity: number | null
  firstPurchase: number | null
  lastPurchase: number | null
  logins7d: number
  logins30d: number
  loginsPrev30d: number
  activity7d: number
  activity30d: number
  activityPrev30d: number
  /** Activity events in the 8 weeks before the last 7 days, per week: the person's own baseline. */
  activityBaselineWeekly: number
  ordersTotal: number
  spendTotal: number
  window30d: WindowedOrders
  window90d: WindowedOrders
  window180d: WindowedOrders
  window365d: WindowedOrders
  /** (now - 91 d, now] and (now - 182 d, now - 91 d]. */
  last91d: WindowedOrders
  prev91d: WindowedOrders
  /** Most frequent value over the last 365 days; ties go to the most recent. */
  favouriteCategory: string | null
  preferredChannel: string | null
  openComplaints: OpenComplaint[]
  /** Complaints filed in the last 365 days (open or resolved). */
  complaints365d: number
  lastNps: { score: number; at: number } | null
  /** Enquiries in the last 30 days by topic. */
  enquiries30d: Record<string, number>
  traits: { region: string | null; ageBand: string | null; plan: string | null }
  /**
   * The next time one of the person's events leaves a window the features count (7, 30, 60, 90,
   * 91, 180, 182, 365 days and the 63-day baseline span), after `now`: a count can change then with
   * no new event. null when no event is in any window.
   */
  nextWindowExit: number | null
}
