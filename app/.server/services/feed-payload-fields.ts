import { z } from "zod";

/** The fields every tracking feed's webhook body has in some form, read the same way for all (EasyPost, AfterShip, ShipEngine). */

/** A carrier's words: kept, but bounded. */
export const feedText = z.string().max(2000);

/** An ISO 8601 date-time, read as epoch milliseconds. */
export const feedDateTime = z
  .string()
  .max(64)
  .refine((v) => !Number.isNaN(Date.parse(v)), "not a date-time")
  .transform((v) => Date.parse(v));
