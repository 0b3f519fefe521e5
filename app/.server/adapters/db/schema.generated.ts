import type { ColumnType } from "kysely";
export type Generated<T> = T extends ColumnType<infer S, infer I, infer U>
  ? ColumnType<S, I | undefined, U>
  : ColumnType<T, T | undefined, T>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type DataRequestExport = {
    id: Generated<number>;
    shop: string;
    requestId: string | null;
    customerId: string | null;
    email: string | null;
    export: string;
    createdAt: number;
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
    createdAt: number;
    updatedAt: number;
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
     * when the fulfillment (the label) was created: the shipment's age counts from here
     */
    shippedAt: number;
    cancelledAt: number | null;
    /**
     * set when a fulfillment update no longer lists this tracking number
     */
    supersededAt: number | null;
    createdAt: number;
    updatedAt: number;
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
    DataRequestExport: DataRequestExport;
    Fulfillment: Fulfillment;
    Job: Job;
    Order: Order;
    Session: Session;
    Shipment: Shipment;
    ShipmentEvent: ShipmentEvent;
    Shop: Shop;
    UnmappedStatusCode: UnmappedStatusCode;
    WebhookDelivery: WebhookDelivery;
};
