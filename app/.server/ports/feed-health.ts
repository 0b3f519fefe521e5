/** Ports — tracking feeds' freshness per shop × source × carrier (services/feed-health.ts). */
import type { FeedRate } from "~/domain/feed-health";
import type { FeedProvider } from "./feeds";

export interface FeedHealthRecord extends FeedRate {
  shop: string;
  source: FeedProvider;
  carrier: string;
  /** when the feed went quiet (operations were alerted); null while it is fresh */
  quietSince: number | null;
  updatedAt: number;
}

export interface FeedHealthStore {
  get(shop: string, source: FeedProvider, carrier: string): Promise<FeedHealthRecord | null>;
  /** writes the rolled-forward figure (the quiet mark is left as it is) */
  save(shop: string, source: FeedProvider, carrier: string, rate: FeedRate, at: number): Promise<void>;
  /** claims the change to quiet: true for the one caller that made it (so operations are alerted once) */
  markQuiet(shop: string, source: FeedProvider, carrier: string, since: number, at: number): Promise<boolean>;
  /** claims the change back to fresh: true for the one caller that made it */
  markRecovered(shop: string, source: FeedProvider, carrier: string, at: number): Promise<boolean>;
  /** every shop's fresh feeds whose last event was between `notBefore` and `before`, oldest silence first: the candidates to judge */
  silentSince(before: number, notBefore: number, limit: number): Promise<FeedHealthRecord[]>;
  /** the shop's parcels on this carrier still on their way (shipped since `shippedSince`): those a quiet feed leaves without news */
  parcelsInFlight(shop: string, carrier: string, shippedSince: number): Promise<number>;
  forShop(shop: string): Promise<FeedHealthRecord[]>;
  quietForShop(shop: string): Promise<FeedHealthRecord[]>;
}
