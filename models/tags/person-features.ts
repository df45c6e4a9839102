// One person's rolling features as of a time `now`: what the tag rules, lifecycle, health score and
// profile API read. Windows are exact in time: "last 7 days" is (now - 7 d, now]; "the 30 before"
// is (now - 60 d, now - 30 d]; "the 91 days before the last 91" is (now - 182 d, now - 91 d].
// Times are ms since epoch (UTC); null when the person never did the thing.

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
}
