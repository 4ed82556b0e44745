// A modal dialog: rendered over the page, the rest of the page inert (unreachable by Tab, hidden from screen readers)
// while it is open, Escape closes it, and focus returns where it was. Escape and Tab are heard on the whole document,
// not only inside the box: a button disabled while it works drops the focus to the page, and after a failure the
// dialog must still close with Escape and Tab must lead back into it.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

/** The open dialogs' boxes, the topmost last: only it answers the keys. */
const open: HTMLElement[] = [];

const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex="0"]';

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
    const box = boxRef.current;
    if (!box) return;
    open.push(box);
    setPageInert(true);
    const first = box.querySelector<HTMLElement>('[data-autofocus]') ?? box.querySelector<HTMLElement>('input, select, textarea, button');
    (first ?? box).focus();
    const onKey = (e: KeyboardEvent) => {
      if (open[open.length - 1] !== box) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        onCloseRef.current();
      } else if (e.key === 'Tab' && !box.contains(document.activeElement)) {
        e.preventDefault();
        (box.querySelector<HTMLElement>(FOCUSABLE) ?? box).focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      open.splice(open.indexOf(box), 1);
      if (open.length === 0) setPageInert(false);
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
