/**
 * UniformHeterogeneousAssignmentBuilder.MemberAssignmentBalancer: over one topic's subscribers sorted
 * by load (then member index), a least-loaded range that grows rightwards as it is filled and a
 * most-loaded range that grows leftwards as it is drained. Handing out members in turn from these
 * ranges spreads partitions evenly without re-sorting after every move. Balanced when the two
 * ranges' levels differ by at most one.
 */
export class MemberAssignmentBalancer {
  private sortedMembers: number[] = [];
  /** [0, leastLoadedRangeEnd) holds the members at the least loaded level. */
  private leastLoadedRangeEnd = 0;
  private leastLoadedRangePartitionCount = -1;
  private nextLeastLoaded = 0;
  /** [mostLoadedRangeStart, mostLoadedRangeEnd) holds the members at the most loaded level that may still give up partitions. */
  private mostLoadedRangeStart = 0;
  private mostLoadedRangeEnd = 0;
  private mostLoadedRangePartitionCount = 1;
  private nextMostLoaded = -1;

  /** Shares the builder's size array: moves made by the builder are seen here. */
  constructor(private readonly memberTargetAssignmentSizes: number[]) {}

  private size(position: number): number {
    return this.memberTargetAssignmentSizes[this.sortedMembers[position]!]!;
  }

  /** Resets for a topic's subscribers (at least one); returns the spread between the most and least loaded. */
  initialize(members: readonly number[]): number {
    if (members.length === 0) throw new Error('MemberAssignmentBalancer: cannot balance an empty subscriber list');
    const sizes = this.memberTargetAssignmentSizes;
    this.sortedMembers = [...members].sort((a, b) => sizes[a]! - sizes[b]! || a - b);
    const last = this.sortedMembers.length - 1;
    this.leastLoadedRangeEnd = 0;
    this.leastLoadedRangePartitionCount = this.size(0) - 1;
    this.nextLeastLoaded = 0;
    this.mostLoadedRangeStart = this.sortedMembers.length;
    this.mostLoadedRangeEnd = this.sortedMembers.length;
    this.mostLoadedRangePartitionCount = this.size(last) + 1;
    this.nextMostLoaded = last;
    return this.size(last) - this.size(0);
  }

  /** The member to give the next partition to; assumes it then holds one more. */
  nextLeastLoadedMember(): number {
    if (this.nextLeastLoaded >= this.leastLoadedRangeEnd) {
      this.leastLoadedRangePartitionCount++;
      while (this.leastLoadedRangeEnd < this.sortedMembers.length && this.size(this.leastLoadedRangeEnd) === this.leastLoadedRangePartitionCount) this.leastLoadedRangeEnd++;
      this.nextLeastLoaded = 0;
    }
    return this.sortedMembers[this.nextLeastLoaded++]!;
  }

  /** The member to take the next partition from, or -1 when none is left; assumes it then holds one less. */
  nextMostLoadedMember(): number {
    if (this.nextMostLoaded < this.mostLoadedRangeStart) {
      if (this.mostLoadedRangeEnd <= this.mostLoadedRangeStart && this.mostLoadedRangeStart > 0) {
        // Exclusions emptied the range: restart its level from the next member down so it expands.
        this.mostLoadedRangePartitionCount = this.size(this.mostLoadedRangeStart - 1);
      } else {
        this.mostLoadedRangePartitionCount--;
      }
      while (this.mostLoadedRangeStart > 0 && this.size(this.mostLoadedRangeStart - 1) === this.mostLoadedRangePartitionCount) this.mostLoadedRangeStart--;
      this.nextMostLoaded = this.mostLoadedRangeEnd - 1;
    }
    if (this.nextMostLoaded < 0) return -1;
    return this.sortedMembers[this.nextMostLoaded--]!;
  }

  /** Drops the member last returned by nextMostLoadedMember from the most loaded range (it has nothing to give). */
  excludeMostLoadedMember(): void {
    const position = this.nextMostLoaded + 1;
    const member = this.sortedMembers[position]!;
    this.sortedMembers[position] = this.sortedMembers[this.mostLoadedRangeEnd - 1]!;
    this.sortedMembers[this.mostLoadedRangeEnd - 1] = member;
    this.mostLoadedRangeEnd--;
  }

  isBalanced(): boolean {
    return this.mostLoadedRangePartitionCount - this.leastLoadedRangePartitionCount <= 1;
  }
}
