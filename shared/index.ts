// The contract, imported by both sides. No Node, DOM or Electron import anywhere under shared/.
export * from './api';
export * from './channels';
export * from './consoles';
export * from './constants';
export * from './devices';
export * from './domain';
export * from './hardware';
export * from './errors';
export * from './event-listeners';
export * from './events';
export * from './guest-state';
export * from './host';
export * from './issues';
export * from './names';
export * from './sched';
export * from './stats';
