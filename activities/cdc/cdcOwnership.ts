/**
 * How dbarch marks a publication as its own and names the slot that goes with it: a COMMENT ON PUBLICATION.
 * PostgreSQL keeps no owner for slots, so a slot is dbarch's only when the publication dbarch made names it;
 * anything else of that name (a subscription's slot, Debezium's, another tool's) is someone else's.
 */
export const cdcOwnership = {
  comment(slot: string): string {
    return `dbarch cdc slot=${slot}`;
  },
  owns(comment: string | null, slot: string): boolean {
    return comment === cdcOwnership.comment(slot);
  },
};
