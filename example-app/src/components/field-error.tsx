import { component$ } from "@builder.io/qwik";

/** A message that says what to fix, shown under its field (nothing when there is none). */
export const FieldError = component$((props: { message?: string | null; testId?: string }) => {
  if (!props.message) return null;
  return (
    <p class="error" data-testid={props.testId}>
      {props.message}
    </p>
  );
});
