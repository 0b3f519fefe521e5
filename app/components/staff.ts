/**
 * The signed-in staff member, as case assignments and the audit trail record them: their email when Shopify
 * gave an online session, otherwise the user id of the session token ("staff:1"). The shop's offline session
 * is the same for everyone and cannot say who acted.
 */
export function staffMemberOf(auth: {
  session: { onlineAccessInfo?: { associated_user?: { email?: string } } };
  sessionToken?: { sub?: string };
}): string {
  const email = auth.session.onlineAccessInfo?.associated_user?.email;
  if (email) return email;
  return `staff:${auth.sessionToken?.sub ?? "unknown"}`;
}
