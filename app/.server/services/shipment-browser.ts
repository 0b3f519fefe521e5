import type { AdminReadModel, ShipmentListQuery } from "../ports";

export type ShipmentBrowser = ReturnType<typeof createShipmentBrowser>;

/** The admin's shipment list and one shipment's page, as use cases: routes never hold the read model itself. */
export function createShipmentBrowser(deps: { admin: AdminReadModel }) {
  const { admin } = deps;
  return {
    listShipments: (shop: string, query: ShipmentListQuery) => admin.listShipments(shop, query),
    shipmentDetail: (shop: string, id: number) => admin.shipmentDetail(shop, id),
  };
}
