// A modal dialog: rendered over the page, the rest of the page inert (unreachable by Tab, hidden from screen readers)
// while it is open, Escape closes it, and focus returns where it was.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

let openCount = 0;

function setPageInert(inert: boolean) {
  const root = document.getElementById('root');
  if (!root) return;
  if (inert) root.setAttribute('inert', '');
  else root.removeAttribute('inert');
}

export interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Extra class for the dialog box (sizes). */
  className?: string;
  /** Role alertdialog for confirmations. */
  alert?: boolean;
  describedBy?: string;
}

export function Modal({ title, onClose, children, className, alert, describedBy }: ModalProps) {
  const titleId = useId();
  const boxRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    openCount++;
    setPageInert(true);
    const box = boxRef.current;
    const first = box?.querySelector<HTMLElement>('[data-autofocus]') ?? box?.querySelector<HTMLElement>('input, select, textarea, button');
    (first ?? box)?.focus();
    return () => {
      openCount--;
      if (openCount === 0) setPageInert(false);
      before?.focus?.();
    };
  }, []);

  return createPortal(
    <div className="modal-backdrop">
      <div
        ref={boxRef}
        className={`modal ${className ?? ''}`}
        role={alert ? 'alertdialog' : 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onCloseRef.current();
          }
        }}
      >
        <h2 id={titleId} className="modal__title">
          {title}
        </h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}

export interface ConfirmProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  pending?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A yes/no question; the safe answer (Cancel) has the focus first. */
export function ConfirmDialog({ title, children, confirmLabel, danger, pending, error, onConfirm, onCancel }: ConfirmProps) {
  const bodyId = useId();
  return (
    <Modal title={title} onClose={onCancel} alert describedBy={bodyId} className="modal--narrow">
      <div id={bodyId} className="modal__body">
        {children}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal__actions">
        <button type="button" className="button" data-autofocus onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className={`button ${danger ? 'button--danger' : 'button--primary'}`} disabled={pending} onClick={onConfirm}>
          {pending ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
