/**
 * The signed-in staff member, as case assignments and the audit trail record them. With an online session
 * Shopify says who the user is: "Ada Lovelace <ada@example.com>" (the name as it was then, the email to know
 * them by), or the email alone when it gave no name. Otherwise the user id of the session token ("staff:1"),
 * which the admin pages name through the shop's staff sessions. The shop's offline session is the same for
 * everyone and cannot say who acted.
 */
export function staffMemberOf(auth: {
  session: { onlineAccessInfo?: { associated_user?: { email?: string; first_name?: string; last_name?: string } } };
  sessionToken?: { sub?: string };
}): string {
  const user = auth.session.onlineAccessInfo?.associated_user;
  const email = user?.email?.trim();
  if (email) {
    // angle brackets would break the "Name <email>" form it is read back from
    const name = [user?.first_name, user?.last_name]
      .map((part) => part?.replace(/[<>]/g, "").trim())
      .filter(Boolean)
      .join(" ");
    return name ? `${name} <${email}>` : email;
  }
  return `staff:${auth.sessionToken?.sub ?? "unknown"}`;
}
