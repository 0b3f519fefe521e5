import { BlockStack, Button, InlineError, InlineStack, Select, Tag, TextField } from "@shopify/polaris";
import { useId, useState } from "react";

/**
 * A list of values shown as removable tags, with one way to add another: a select of the choices left (for a fixed
 * vocabulary such as statuses), or a text field (for free values such as country codes).
 */
export function TagPicker({
  label,
  values,
  onChange,
  options,
  placeholder,
  transform = (v) => v.trim(),
  error,
  helpText,
}: {
  label: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  /** the fixed vocabulary; without it, free text */
  options?: readonly { value: string; label: string }[];
  placeholder?: string;
  transform?: (value: string) => string;
  error?: string;
  helpText?: string;
}) {
  const id = useId();
  const [draft, setDraft] = useState("");
  const labelOf = (value: string) => options?.find((o) => o.value === value)?.label ?? value;
  const add = (value: string) => {
    const v = transform(value);
    if (v && !values.includes(v)) onChange([...values, v]);
  };
  const remaining = options?.filter((o) => !values.includes(o.value)) ?? [];
  return (
    <BlockStack gap="200">
      {options ? (
        <Select
          label={label}
          id={id}
          options={[{ label: placeholder ?? "Add…", value: "" }, ...remaining.map((o) => ({ label: o.label, value: o.value }))]}
          value=""
          onChange={(value) => value && add(value)}
          helpText={helpText}
        />
      ) : (
        <div
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              add(draft);
              setDraft("");
            }
          }}
        >
          <TextField
            label={label}
            id={id}
            value={draft}
            onChange={setDraft}
            autoComplete="off"
            placeholder={placeholder}
            helpText={helpText}
            connectedRight={
              <Button
                onClick={() => {
                  add(draft);
                  setDraft("");
                }}
                accessibilityLabel={`Add to ${label}`}
              >
                Add
              </Button>
            }
          />
        </div>
      )}
      {values.length ? (
        <InlineStack gap="200">
          {values.map((value) => (
            <Tag key={value} onRemove={() => onChange(values.filter((v) => v !== value))} accessibilityLabel={`Remove ${labelOf(value)}`}>
              {labelOf(value)}
            </Tag>
          ))}
        </InlineStack>
      ) : null}
      {error ? <InlineError message={error} fieldID={id} /> : null}
    </BlockStack>
  );
}
