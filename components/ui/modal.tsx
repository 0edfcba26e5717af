"use client";
/** A modal dialog, and the Delete button that confirms in one. */
import { useEffect, useState, type ReactNode } from "react";
import { Button } from "./button";

export function Modal({
  open,
  title,
  children,
  onClose,
  footer,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  onClose: () => void;
  footer?: ReactNode;
}) {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, onClose]);
  if (!open) return null;
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4" onMouseDown={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-label={title}
        className="w-full max-w-md rounded-lg bg-white shadow-xl"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <div className="border-b border-slate-100 px-5 py-3.5 text-sm font-semibold wrap-anywhere">{title}</div>
        <div className="px-5 py-4 text-sm wrap-anywhere text-slate-700">{children}</div>
        {footer && (
          <div className="flex justify-end gap-2 border-t border-slate-100 bg-slate-50 px-5 py-3">{footer}</div>
        )}
      </div>
    </div>
  );
}

/**
 * `detail`: what else the delete does; `alternative`: a second way out offered after a failure (e.g. "Delete
 * here only"); `blockedBy`: why it cannot be deleted now, said instead of asking for a confirmation.
 */
export function ConfirmDelete({
  what,
  name,
  onConfirm,
  busy,
  error,
  detail,
  alternative,
  blockedBy,
}: {
  what: string;
  name: string;
  onConfirm: () => void;
  busy?: boolean;
  error?: string;
  detail?: ReactNode;
  alternative?: { label: string; onClick: () => void };
  blockedBy?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const trigger = (
    <Button variant="danger" onClick={() => setOpen(true)}>
      Delete
    </Button>
  );
  if (blockedBy)
    return (
      <>
        {trigger}
        <Modal
          open={open}
          title={`${what[0].toUpperCase()}${what.slice(1)} ${name} cannot be deleted`}
          onClose={() => setOpen(false)}
          footer={<Button onClick={() => setOpen(false)}>Close</Button>}
        >
          {blockedBy}
        </Modal>
      </>
    );
  return (
    <>
      {trigger}
      <Modal
        open={open}
        title={`Delete ${what} ${name}?`}
        onClose={() => setOpen(false)}
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            {alternative && (
              <Button variant="danger" busy={busy} onClick={alternative.onClick}>
                {alternative.label}
              </Button>
            )}
            <Button variant="primary" className="bg-rose-600 hover:bg-rose-500" busy={busy} onClick={onConfirm}>
              Delete {what}
            </Button>
          </>
        }
      >
        <p>
          This removes <code className="rounded bg-slate-100 px-1">{name}</code> from the gateway immediately. Clients
          using it will start failing.
        </p>
        {detail && <p className="mt-2">{detail}</p>}
        {error && <p className="mt-3 text-rose-700">{error}</p>}
      </Modal>
    </>
  );
}
