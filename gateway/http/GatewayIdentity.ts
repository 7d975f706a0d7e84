/** Who a verified token says the caller is. */
export interface GatewayIdentity {
  /** The service claim: matched against a route's `service`. */
  readonly service: string;
  readonly roles: readonly string[];
  readonly subject: string | undefined;
}
