/**
 * The member order every client-side assignor and the server RangeAssignor share.
 */

/** Java String.compareTo: UTF-16 code-unit order, which is what JS `<` compares. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface MemberIdentity {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/**
 * AbstractPartitionAssignor.MemberInfo.compareTo: members with a group.instance.id first, ordered by
 * it; then the dynamic members by member id.
 */
export function memberOrder(a: MemberIdentity, b: MemberIdentity): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return compareStrings(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return compareStrings(a.memberId, b.memberId);
}
