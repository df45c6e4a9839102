// Which events and properties the rolling features read. Defaults follow the Segment e-commerce
// spec and Pulse's simulator; a deployment renames them in the profiles config file.

export interface FeatureConfig {
  loginEvent: string
  orderEvent: string
  /** Order amount property (Segment: `revenue`; the stored `revenue` column is used when set). */
  revenueProperty: string
  /** A non-empty value marks an order that used a coupon. */
  couponProperty: string
  complaintFiledEvent: string
  complaintResolvedEvent: string
  complaintIdProperty: string
  severityProperty: string
  enquiryEvent: string
  topicProperty: string
  npsEvent: string
  scoreProperty: string
  /** Favourite category: the most frequent value of this property. */
  categoryProperty: string
  /** Preferred channel: the most frequent value of this property (else the campaign source). */
  channelProperty: string
  /** Trait names read from identify traits (and `$set` properties). */
  traits: { region: string; ageBand: string; plan: string }
  /**
   * Events that count as activity (silent, churn risk, trends): null means every event a person
   * sends except identify, alias and group calls.
   */
  activityEvents: string[] | null
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = {
  loginEvent: 'Logged In',
  orderEvent: 'Order Completed',
  revenueProperty: 'revenue',
  couponProperty: 'coupon',
  complaintFiledEvent: 'Complaint Filed',
  complaintResolvedEvent: 'Complaint Resolved',
  complaintIdProperty: 'complaint_id',
  severityProperty: 'severity',
  enquiryEvent: 'Enquiry Sent',
  topicProperty: 'topic',
  npsEvent: 'NPS Submitted',
  scoreProperty: 'score',
  categoryProperty: 'category',
  channelProperty: 'channel',
  traits: { region: 'region', ageBand: 'age_band', plan: 'plan' },
  activityEvents: null,
}
