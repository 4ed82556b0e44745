// The cgroup layer's front door: detection of this host, and the hierarchy the engine works in.
export { CgroupHierarchy, GuestGroup } from './hierarchy';
export type { ControlFiles } from './hierarchy';
export { readHostDetection } from './detect';
export type { CgroupDetection } from './detect';
export { defaultRules, formatRule, PTY_RULE, ruleForPath, sameNode, covers } from './acl';
export type { AclRule } from './acl';
export { readGuestStats } from './stats';
