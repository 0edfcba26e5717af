export function Logo({ className = "size-7" }: { className?: string }) {
  return (
    <svg className={className} viewBox="0 0 32 32" aria-hidden>
      <rect width="32" height="32" rx="7" fill="#4f46e5" />
      <path
        d="M8 9h16M8 9v15M24 9v15M12 9v15M16 9v15M20 9v15M8 14h16M8 19h16"
        stroke="#fff"
        strokeWidth="2"
        strokeLinecap="round"
      />
    </svg>
  );
}
