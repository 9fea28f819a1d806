/** How quorum messages name a leader: `n2`, or `none` for -1. */
export const renderLeader = (id: number): string => (id < 0 ? 'none' : `n${id}`);
