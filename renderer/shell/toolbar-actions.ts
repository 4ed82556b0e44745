// Which toolbar buttons a guest's state enables: exactly what the guest-state rules (shared/guest-state.ts) allow,
// so the toolbar never offers what the engine would refuse.
import { canDo, type VmState } from '../../shared';

export type ToolbarButton = 'start' | 'pauseResume' | 'shutdown' | 'reboot' | 'forceOff' | 'delete';

export function toolbarActions(state: VmState): Record<ToolbarButton, boolean> {
  return {
    start: canDo('start', state),
    pauseResume: canDo('pause', state) || canDo('resume', state),
    shutdown: canDo('shutdown', state),
    reboot: canDo('reboot', state),
    forceOff: canDo('destroy', state),
    delete: canDo('undefine', state),
  };
}
