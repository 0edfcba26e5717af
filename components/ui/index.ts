/** The console's building blocks: plain Tailwind, no UI kit. One component (or a close pair) per file. */
export { cx } from "./cx";
export { Button, ButtonLink } from "./button";
export { Spinner, Loading } from "./spinner";
export { PageHeader } from "./page-header";
export { Card } from "./card";
export { Badge, Dot } from "./badge";
export { Field } from "./field";
export { Switch } from "./switch";
export { EmptyState } from "./empty-state";
export { Alert, ErrorState } from "./alert";
export { CopyButton, CopyField } from "./copy";
export { ConfirmDelete } from "./modal";
export { Tabs } from "./tabs";
export { LinesInput } from "./lines-input";
export { FormActions } from "./form-actions";
export { InlineCode } from "./inline-code";
