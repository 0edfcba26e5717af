/** Text written for terminals and docs, its `backticked` spans shown as code instead of raw backticks. */
export function InlineCode({ text }: { text: string }) {
  const parts = text.split(/`([^`]+)`/);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 ? (
          <code key={i} className="rounded bg-slate-100 px-1 font-mono text-[0.92em] text-slate-700">
            {p}
          </code>
        ) : (
          p
        ),
      )}
    </>
  );
}
