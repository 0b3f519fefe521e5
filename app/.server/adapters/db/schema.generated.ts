import type { ColumnType } from "kysely";
export type Generated<T> = T extends ColumnType<infer S, infer I, infer U>
  ? ColumnType<S, I | undefined, U>
  : ColumnType<T, T | undefined, T>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type ApiKey = {
    id: Generated<number>;
    shop: string;
    name: string;
    hash: string;
    lastFour: string;
    createdAt: number;
    lastUsedAt: number | null;
    revokedAt: number | null;
};
export type BackfillRun = {
    id: Generated<number>;
    shop: string;
    /**
     * install | manual
     */
    trigger: string;
    days: number;
    /**
     * queued | running (Shopify builds the file) | importing | done | failed
     */
    status: string;
    /**
     * the BulkOperation's gid and Shopify's last word on it (CREATED, RUNNING, COMPLETED, FAILED…)
     */
    operationId: string | null;
    operationStatus: string | null;
    /**
     * Shopify's words when the operation failed, or the error that stopped the import
     */
    error: string | null;
    /**
     * JSONL lines read so far (the progress bar's count)
     */
    linesRead: Generated<number>;
    ordersSeen: Generated<number>;
    ordersImported: Generated<number>;
    fulfillmentsSeen: Generated<number>;
    fulfillmentsImported: Generated<number>;
    eventsSeen: Generated<number>;
    eventsImported: Generated<number>;
    /**
     * Shopify's objectCount for the finished operation (the progress bar's whole)
     */
    objectCount: number | null;
    /**
     * what happened up to this moment is history: told to no customer and no Flow workflow
     */
    historyUntil: number;
    startedAt: number;
    finishedAt: number | null;
    updatedAt: number;
    /**
     * bytes of the file read so far: the next job asks for the rest from here (Range)
     */
    bytesRead: Generated<number>;
};
export type CarrierAccount = {
    id: string;
    shop: string;
    /**
     * ups | usps | fedex | dhl
     */
    carrier: string;
    /**
     * sealed (secret-box): the client id and secret (DHL: the API key)
     */
    credentials: string;
    /**
     * connected | failing
     */
    status: Generated<string>;
    /**
     * the carrier's own words when it refused the credentials or the last poll
     */
    lastError: string | null;
    /**
     * 1: this carrier's parcels are polled; 0: connected but paused by the merchant
     */
    polling: Generated<number>;
    /**
     * after a 429: no call to this account before then (Retry-After)
     */
    pausedUntil: number | null;
    /**
     * the account's call budget (a token bucket) shared by every worker: calls left, as of callBudgetAt
     */
    callBudget: number | null;
    callBudgetAt: number | null;
    lastPollAt: number | null;
    lastEventAt: number | null;
    pollCount: Generated<number>;
    eventCount: Generated<number>;
    failureCount: Generated<number>;
    createdAt: number;
    updatedAt: number;
};
export type CarrierPoll = {
    id: Generated<number>;
    shop: string;
    carrier: string;
    trackingNumber: string;
    /**
     * active | held (the account is failing or paused) | done (delivered + 2 days, 60 days, or no live parcel)
     */
    state: Generated<string>;
    nextPollAt: number | null;
    /**
     * consecutive failed polls (429, 5xx, no answer): the backoff grows with them
     */
    attempts: Generated<number>;
    lastPolledAt: number | null;
    lastError: string | null;
    stopReason: string | null;
    startedAt: number;
    updatedAt: number;
};
export type CaseActivity = {
    id: Generated<number>;
    shop: string;
    caseId: number;
    at: number;
    actor: string;
    /**
     * opened | note | assigned | priority | snoozed | reopened | resolved | auto_resolved
     */
    kind: string;
    detail: string;
};
export type ChannelConnection = {
    id: Generated<number>;
    shop: string;
    /**
     * email | sms | slack | klaviyo | webhook | shopify
     */
    channel: string;
    enabled: Generated<number>;
    settings: Generated<string>;
    /**
     * encrypted JSON ("v1:<iv>:<tag>:<ciphertext>", base64 parts); null when the channel needs no secret
     */
    secret: string | null;
    failingSince: number | null;
    lastError: string | null;
    lastSuccessAt: number | null;
    alertedAt: number | null;
    updatedAt: number;
};
export type DataRequestExport = {
    id: Generated<number>;
    shop: string;
    requestId: string | null;
    customerId: string | null;
    email: string | null;
    export: string;
    createdAt: number;
};
export type EscalationRule = {
    id: Generated<number>;
    shop: string;
    name: string;
    position: number;
    enabled: Generated<number>;
    stopAfter: Generated<number>;
    /**
     * JSON: the rule's conditions (app/domain/rules.ts)
     */
    conditions: string;
    /**
     * JSON: the rule's actions
     */
    actions: string;
    /**
     * a default rule shipped with the app (the merchant may edit or disable it)
     */
    builtIn: string | null;
    createdAt: number;
    updatedAt: number;
};
export type ExceptionCase = {
    id: Generated<number>;
    shop: string;
    /**
     * null for a case about the order itself (fulfillment_delayed): nothing has shipped
     */
    shipmentId: number | null;
    /**
     * the shipment's key (unique per shop and never changed), or "order:<orderId>" for an order-level case
     */
    shipmentKey: string;
    orderId: string;
    orderName: string;
    trackingNumber: string | null;
    type: string;
    owner: string;
    assignee: string | null;
    priority: string;
    /**
     * open | snoozed | resolved
     */
    status: string;
    /**
     * "open" while the case is open or snoozed, "closed:<id>" after: the unique index then allows one open case
     */
    openSlot: Generated<string>;
    snoozedUntil: number | null;
    openedAt: number;
    dueAt: number | null;
    resolvedAt: number | null;
    resolution: string | null;
    resolvedBy: string | null;
    ruleId: number | null;
    ruleName: string;
    /**
     * why, in words
     */
    reason: string;
    /**
     * JSON: each condition with the value it saw
     */
    explanation: string;
    /**
     * hold customer messages while a person reviews
     */
    holdMessages: Generated<number>;
    /**
     * the shipment's state when the case opened ("status|lastEventAt"): a case resolves itself only after it changed
     */
    openedOnState: Generated<string>;
    updatedAt: number;
    /**
     * the SLA breach alert was claimed for this case (by the sweep, once): when, and for which owner team.
     * Cleared when the case is handed to another team or reopened, so the new owner is alerted for its own breach.
     */
    slaAlertedAt: number | null;
    slaAlertedOwner: string | null;
};
export type FeedConnection = {
    id: string;
    shop: string;
    provider: string;
    /**
     * sealed (secret-box): the provider's API key and the webhook secret
     */
    apiKey: string;
    webhookSecret: string;
    /**
     * "default" (the carriers Shopify does not track) or a JSON array of carrier codes
     */
    carriers: Generated<string>;
    /**
     * connected | failing
     */
    status: Generated<string>;
    lastError: string | null;
    lastEventAt: number | null;
    eventCount: Generated<number>;
    /**
     * events about tracking numbers the shop does not have: ignored, counted
     */
    unknownTrackingCount: Generated<number>;
    lastUnknownTracking: string | null;
    createdAt: number;
    updatedAt: number;
};
export type FeedHealth = {
    id: Generated<number>;
    shop: string;
    /**
     * easypost | aftership | shipengine
     */
    source: string;
    /**
     * Shipwatch's carrier code of the parcels the events were about
     */
    carrier: string;
    firstEventAt: number;
    lastEventAt: number;
    eventCount: Generated<number>;
    /**
     * the hour being counted (epoch ms at its start) and its events so far
     */
    hourStart: number;
    hourCount: Generated<number>;
    /**
     * hours closed into the norm (the norm is a plain average until a day of them, then a day-long moving average)
     */
    hoursSeen: Generated<number>;
    /**
     * events per hour, its norm
     */
    normPerHour: Generated<number>;
    /**
     * set when the feed went quiet (and operations were alerted), cleared by its next event
     */
    quietSince: number | null;
    updatedAt: number;
};
export type FlowTriggerUse = {
    shop: string;
    /**
     * the trigger extension's handle
     */
    trigger: string;
    enabled: Generated<number>;
    /**
     * Flow's timestamp of the callback: an older callback never overrides a newer one
     */
    changedAt: number;
    updatedAt: number;
};
export type Fulfillment = {
    id: Generated<number>;
    shop: string;
    fulfillmentId: string;
    orderId: string;
    name: string | null;
    status: string;
    shipmentStatus: string | null;
    service: string | null;
    trackingCompany: string | null;
    trackingNumbers: Generated<string>;
    trackingUrls: Generated<string>;
    destination: string | null;
    /**
     * what is in this parcel, as the shopper reads it: JSON [{ "title", "quantity" }] (titles cleaned, count and length capped)
     */
    items: string | null;
    /**
     * the region it ships from (Shopify's origin_address: the warehouse's country and province, nothing else kept)
     */
    originCountry: string | null;
    originProvince: string | null;
    createdAt: number;
    updatedAt: number;
};
export type HelpdeskConnection = {
    id: Generated<number>;
    shop: string;
    /**
     * gorgias | zendesk | intercom | freshdesk | gladly | reamaze
     */
    provider: string;
    publicId: string;
    /**
     * public settings and options (account, email, tagWismo, noteReply, noteInsteadOfEmail, tags) as JSON
     */
    settings: Generated<string>;
    /**
     * encrypted JSON of the REST API credentials (Gorgias, Zendesk); null for webhook-only helpdesks
     */
    credentials: string | null;
    /**
     * encrypted webhook secret: the one Shipwatch issued, or the helpdesk's own (Zendesk, Intercom); null until set
     */
    webhookSecret: string | null;
    lastTicketAt: number | null;
    createdAt: number;
    updatedAt: number;
};
export type HelpdeskWrite = {
    id: Generated<number>;
    shop: string;
    connectionId: number;
    ticketId: string;
    /**
     * "tags" | "note" | "message:<Notification id>"
     */
    kind: string;
    /**
     * sending | done
     */
    status: string;
    createdAt: number;
    doneAt: number | null;
};
export type ImportedFulfillment = {
    shop: string;
    fulfillmentId: string;
    historyUntil: number;
};
export type Job = {
    id: Generated<number>;
    shop: string;
    name: string;
    payload: string;
    /**
     * queued | running | done | failed
     */
    status: Generated<string>;
    attempts: Generated<number>;
    maxAttempts: Generated<number>;
    runAt: number;
    lockedUntil: number | null;
    lockedBy: string | null;
    lastError: string | null;
    createdAt: number;
    finishedAt: number | null;
};
export type MessageTemplate = {
    id: Generated<number>;
    shop: string;
    template: string;
    channel: string;
    locale: string;
    subject: string | null;
    body: string;
    updatedAt: number;
};
export type Notification = {
    id: Generated<number>;
    shop: string;
    /**
     * "<shipmentId>|<moment>|<channel>"
     */
    sendKey: string;
    shipmentId: number;
    orderId: string;
    orderName: string;
    /**
     * packed | first_scan | out_for_delivery | delivered | post_delivery | delay_* | rule:<id> | alert:<id> | tag:<id>
     */
    moment: string;
    channel: string;
    ruleId: number | null;
    /**
     * the template to render (a moment, or a rule's template name)
     */
    template: string;
    locale: Generated<string>;
    /**
     * where it goes (email, phone, URL); personal data: scrubbed by customers/redact
     */
    recipient: string | null;
    /**
     * pending | held | sending | sent | failed | suppressed | combined
     */
    status: Generated<string>;
    /**
     * why it was held, suppressed, combined or failed, in words
     */
    statusReason: string | null;
    /**
     * the message that carried this one (several shipments of an order moving together)
     */
    combinedInto: number | null;
    /**
     * not before (quiet hours, post-delivery hold, combining window, retry backoff)
     */
    sendAt: number;
    attempts: Generated<number>;
    lastError: string | null;
    /**
     * a worker is sending it until then; after, a crashed send is resumed with the same idempotency key
     */
    lockedUntil: number | null;
    subject: string | null;
    /**
     * the rendered text, for the Outbox preview; personal data: scrubbed by customers/redact
     */
    preview: string | null;
    /**
     * the HTML that was sent (email); personal data: scrubbed by customers/redact
     */
    html: string | null;
    providerId: string | null;
    createdAt: number;
    sentAt: number | null;
    updatedAt: number;
};
export type NotificationSettings = {
    shop: string;
    policy: Generated<string>;
    updatedAt: number;
};
export type Order = {
    id: Generated<number>;
    shop: string;
    orderId: string;
    name: string;
    email: string | null;
    phone: string | null;
    customerId: string | null;
    customerName: string | null;
    customerTags: Generated<string>;
    orderTags: Generated<string>;
    totalPrice: Generated<number>;
    currency: Generated<string>;
    shippingLines: Generated<string>;
    destination: string | null;
    locale: string | null;
    createdAt: number;
    updatedAt: number;
    cancelledAt: number | null;
    redactedAt: number | null;
    /**
     * Shopify's fulfillment_status of the order (null = unfulfilled, "partial", "fulfilled", "restocked")
     */
    fulfillmentStatus: string | null;
    closedAt: number | null;
    /**
     * the shippable lines still to ship: JSON [{ "lineId", "title", "quantity", "waiting" }] (product titles, no
     * personal data); "[]" when nothing waits or Shopify did not say (app/domain/fulfillment-delay.ts)
     */
    waitingLines: Generated<string>;
    /**
     * when the fulfillment watch looks at this order next (its ship-by deadline); null while nothing waits. The
     * sweep reads the orders due through its index and never scans the others
     */
    handlingCheckAt: number | null;
};
export type ReconciliationRun = {
    id: Generated<number>;
    shop: string;
    startedAt: number;
    finishedAt: number | null;
    ordersSeen: Generated<number>;
    repaired: Generated<number>;
    error: string | null;
};
export type ReconciliationState = {
    shop: string;
    watermark: number | null;
    lastRunAt: number | null;
    lastError: string | null;
};
export type RedactedCustomerKey = {
    id: Generated<number>;
    shop: string;
    /**
     * hex HMAC-SHA256 of "<shop>|<kind>:<normalised value>"
     */
    keyHash: string;
    createdAt: number;
};
export type RuleIntent = {
    id: Generated<number>;
    shop: string;
    shipmentId: number;
    caseId: number | null;
    ruleId: number;
    kind: string;
    payload: string;
    status: Generated<string>;
    createdAt: number;
};
export type ScanWriteBack = {
    id: Generated<number>;
    shop: string;
    eventKey: string;
    fulfillmentId: string;
    /**
     * "pending" | "written" | "skipped" | "failed"
     */
    status: string;
    shopifyEventId: string | null;
    error: string | null;
    createdAt: number;
    updatedAt: number;
};
export type ScorecardDay = {
    id: Generated<number>;
    shop: string;
    day: string;
    metric: string;
    key: Generated<string>;
    count: Generated<number>;
    /**
     * a sum that goes with the count (transit days, hours to resolve, days of estimate error)
     */
    total: Generated<number>;
};
export type Session = {
    id: string;
    shop: string;
    state: string;
    isOnline: Generated<number>;
    scope: string | null;
    expires: number | null;
    accessToken: string;
    userId: number | null;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    accountOwner: number | null;
    locale: string | null;
    collaborator: number | null;
    emailVerified: number | null;
    refreshToken: string | null;
    refreshTokenExpires: number | null;
};
export type Shipment = {
    id: Generated<number>;
    shop: string;
    /**
     * tracking number, upper-cased; "fulfillment:<id>" for a fulfillment without one
     */
    shipmentKey: string;
    fulfillmentId: string;
    orderId: string;
    orderName: string;
    trackingNumber: string | null;
    carrierCode: string;
    carrierName: string;
    carrierSource: string;
    trackingUrl: string | null;
    service: string | null;
    status: Generated<string>;
    reason: string | null;
    statusChangedAt: number | null;
    lastEventAt: number | null;
    lastCarrierScanAt: number | null;
    firstCarrierScanAt: number | null;
    estimatedDeliveryAt: number | null;
    deliveredAt: number | null;
    deliveryAttempts: Generated<number>;
    eventCount: Generated<number>;
    destinationCountry: string | null;
    destinationProvince: string | null;
    /**
     * the region the parcel ships from (the transit model's lane starts there)
     */
    originCountry: string | null;
    originProvince: string | null;
    /**
     * when the fulfillment (the label) was created: the shipment's age counts from here
     */
    shippedAt: number;
    /**
     * the promise to the customer (deliver by), from the shop's promise policy for the shipping method
     */
    promisedBy: number | null;
    /**
     * when the silence sweep should look at this shipment again; null once it needs no watching
     */
    nextCheckAt: number | null;
    /**
     * storefront lookups of this shipment (no personal data: a count), and the last one
     */
    lookupCount: Generated<number>;
    lastLookedUpAt: number | null;
    /**
     * the delivery estimate shoppers were last shown, and the one before it: JSON { "current", "was" } (estimate.ts),
     * written only when it changes, so the story can say "now expected 9 December, was 7 December"
     */
    shownEstimate: string | null;
    cancelledAt: number | null;
    /**
     * set when a fulfillment update no longer lists this tracking number
     */
    supersededAt: number | null;
    createdAt: number;
    updatedAt: number;
    /**
     * the first estimate the shipment was given (JSON { "earliest", "latest", "source" }, dates in the recipient's
     * zone), kept once set: on time and estimate accuracy on the scorecard are judged against it
     */
    firstEstimate: string | null;
    /**
     * the first storefront lookup (or WISMO ticket) about this shipment, and when its first case opened:
     * "case before ask" compares the two
     */
    firstAskedAt: number | null;
    /**
     * the times of its latest storefront lookups (JSON array of epoch ms, newest last, at most 10): "looked up
     * 3+ times in 24 h" reads them
     */
    recentLookups: string | null;
    firstCaseAt: number | null;
    /**
     * which of this shipment's facts are counted in the roll-ups (bits: ScorecardFact in the scorecard
     * adapter), set in the same transaction as the counting, so a fact is counted once
     */
    rolledUp: Generated<number>;
    /**
     * when the parcel was last handed to another carrier (a ShipmentLeg added): the next carrier's first scan may take
     * a day or two, so silence is judged from a little after it
     */
    handedOffAt: number | null;
};
export type ShipmentEvent = {
    id: Generated<number>;
    shop: string;
    fulfillmentId: string;
    orderId: string | null;
    /**
     * "fe:<fulfillment event id>"
     */
    eventKey: string;
    source: string;
    rawStatus: string | null;
    rawMessage: string | null;
    status: string;
    reason: string | null;
    previousStatus: string | null;
    happenedAt: number;
    estimatedDeliveryAt: number | null;
    location: string | null;
    receivedAt: number;
    deletedAt: number | null;
};
export type ShipmentLeg = {
    id: Generated<number>;
    shop: string;
    shipmentId: number;
    /**
     * 1 for the first hand-off, 2 for the next...; the shipment's own number is the leg before them
     */
    position: number;
    carrierCode: string;
    carrierName: string;
    /**
     * upper-cased without spaces, like Shipment.shipmentKey
     */
    trackingNumber: string;
    /**
     * the source that reported the hand-off: aftership | easypost | shipengine | ups_api | ...
     */
    source: string;
    addedAt: number;
};
export type Shop = {
    shop: string;
    installedAt: number;
    uninstalledAt: number | null;
    timezone: Generated<string>;
    currency: Generated<string>;
    /**
     * carriers the merchant ships with, JSON array of carrier codes; helps rank ambiguous tracking numbers
     */
    carriers: Generated<string>;
};
export type ShopSettings = {
    shop: string;
    /**
     * IANA zone for business hours and promise cut-offs
     */
    timezone: Generated<string>;
    /**
     * ["2026-12-25", …] days no carrier scan is expected (shop holidays)
     */
    holidays: Generated<string>;
    /**
     * per-carrier working days override: { "ups": [1,2,3,4,5], … } (0 = Sunday)
     */
    carrierWorkdays: Generated<string>;
    /**
     * [{ match, businessDays, cutoffHour }] in order; first match wins
     */
    promisePolicies: Generated<string>;
    /**
     * resolve a case by itself when the shipment recovers
     */
    autoResolve: Generated<number>;
    /**
     * { status: "informational" | "customer_facing" | "exception" } overrides
     */
    statusClasses: Generated<string>;
    /**
     * how long orders take to ship: { businessDays, cutoffHour, methods: [{ match, businessDays }] }; "{}" = the default
     */
    handlingTime: Generated<string>;
    /**
     * write scans learned from tracking feeds and carrier APIs back to Shopify (fulfillmentEventCreate); opt-in
     */
    writeBackScans: Generated<number>;
    updatedAt: number;
};
export type SlaAlert = {
    id: Generated<number>;
    shop: string;
    caseId: number;
    /**
     * the case's alerts in order (1, 2, … after hand-offs and reopenings)
     */
    seq: number;
    /**
     * support | fulfillment | finance | operations
     */
    owner: string;
    /**
     * pending | sending | sent | failed | skipped
     */
    status: Generated<string>;
    /**
     * why it is skipped, failed or waiting, in words
     */
    statusReason: string | null;
    /**
     * where it went or was going, in words ("Slack (Fulfillment's webhook)")
     */
    destination: string | null;
    attempts: Generated<number>;
    lastError: string | null;
    /**
     * a worker is sending it until then
     */
    lockedUntil: number | null;
    /**
     * the words sent (no personal data)
     */
    text: string | null;
    createdAt: number;
    sentAt: number | null;
    updatedAt: number;
};
export type StatusMappingOverride = {
    id: Generated<number>;
    shop: string;
    source: string;
    code: string;
    status: string;
    reason: string | null;
    updatedAt: number;
};
export type TeamAlertRoute = {
    id: Generated<number>;
    shop: string;
    /**
     * support | fulfillment | finance | operations
     */
    owner: string;
    /**
     * encrypted JSON {"webhookUrl": "…"}
     */
    secret: string | null;
    /**
     * the webhook's last characters, to recognise it in the admin
     */
    hint: string | null;
    updatedAt: number;
};
export type Ticket = {
    id: Generated<number>;
    shop: string;
    /**
     * the helpdesk ("gorgias", "zendesk", "api", …) and its own ticket id
     */
    source: string;
    ticketId: string;
    customerEmail: string | null;
    subject: string;
    body: string;
    wismo: Generated<number>;
    /**
     * the evidence the classifier saw (JSON array of strings)
     */
    signals: Generated<string>;
    /**
     * the order and shipments it was matched to, if any (JSON array of Shipment ids)
     */
    orderId: string | null;
    orderName: string | null;
    shipmentIds: Generated<string>;
    /**
     * the ticket's own creation time, and when Shipwatch received it
     */
    createdAt: number;
    receivedAt: number;
};
export type TransitCount = {
    id: Generated<number>;
    shop: string;
    histogram: string;
    bucket: number;
    count: Generated<number>;
};
export type UnmappedStatusCode = {
    id: Generated<number>;
    shop: string;
    source: string;
    code: string;
    count: Generated<number>;
    exampleMessage: string | null;
    firstSeenAt: number;
    lastSeenAt: number;
};
export type WebhookDelivery = {
    id: Generated<number>;
    shop: string;
    topic: string;
    /**
     * X-Shopify-Webhook-Id: unique per delivery, the de-duplication key
     */
    webhookId: string;
    eventId: string | null;
    triggeredAt: number | null;
    apiVersion: string | null;
    body: string;
    receivedAt: number;
    /**
     * received | processed | ignored | failed
     */
    status: Generated<string>;
    attempts: Generated<number>;
    error: string | null;
    processedAt: number | null;
    /**
     * filled in by processing, so redaction can find the deliveries that mention an order
     */
    orderId: string | null;
};
export type DB = {
    ApiKey: ApiKey;
    BackfillRun: BackfillRun;
    CarrierAccount: CarrierAccount;
    CarrierPoll: CarrierPoll;
    CaseActivity: CaseActivity;
    ChannelConnection: ChannelConnection;
    DataRequestExport: DataRequestExport;
    EscalationRule: EscalationRule;
    ExceptionCase: ExceptionCase;
    FeedConnection: FeedConnection;
    FeedHealth: FeedHealth;
    FlowTriggerUse: FlowTriggerUse;
    Fulfillment: Fulfillment;
    HelpdeskConnection: HelpdeskConnection;
    HelpdeskWrite: HelpdeskWrite;
    ImportedFulfillment: ImportedFulfillment;
    Job: Job;
    MessageTemplate: MessageTemplate;
    Notification: Notification;
    NotificationSettings: NotificationSettings;
    Order: Order;
    ReconciliationRun: ReconciliationRun;
    ReconciliationState: ReconciliationState;
    RedactedCustomerKey: RedactedCustomerKey;
    RuleIntent: RuleIntent;
    ScanWriteBack: ScanWriteBack;
    ScorecardDay: ScorecardDay;
    Session: Session;
    Shipment: Shipment;
    ShipmentEvent: ShipmentEvent;
    ShipmentLeg: ShipmentLeg;
    Shop: Shop;
    ShopSettings: ShopSettings;
    SlaAlert: SlaAlert;
    StatusMappingOverride: StatusMappingOverride;
    TeamAlertRoute: TeamAlertRoute;
    Ticket: Ticket;
    TransitCount: TransitCount;
    UnmappedStatusCode: UnmappedStatusCode;
    WebhookDelivery: WebhookDelivery;
};
