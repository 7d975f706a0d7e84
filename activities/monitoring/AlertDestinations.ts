/** Channel destinations with their secrets resolved (they exist only in the generated file, never in the spec). */
export interface AlertDestinations {
  readonly slack?: { readonly apiUrl: string; readonly channel?: string };
  readonly pagerduty?: { readonly routingKey: string; readonly url: string };
  readonly webhook?: { readonly url: string };
}

export type SupportedChannel = keyof AlertDestinations;

export const supportedChannels: readonly SupportedChannel[] = ['slack', 'pagerduty', 'webhook'];

/** Channels that wake someone up: critical alerts only, unless a rule names them or nothing else is configured. */
export const pagingChannels: readonly SupportedChannel[] = ['pagerduty'];
