-- Data: the built-in "Carrier exception" rule now reads the shop's status classes (docs/decisions/0007-status-classes.md).
-- Only a rule whose conditions are still the shipped ones is changed: a merchant's own edit stands.
UPDATE "EscalationRule"
SET "conditions" = '[{"kind":"status_class_in","classes":["exception"]}]'
WHERE "builtIn" = 'carrier_exception'
  AND "conditions" = '[{"kind":"status_in","statuses":["exception"]}]';
