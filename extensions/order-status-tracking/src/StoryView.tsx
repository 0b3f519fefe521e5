/** @jsxImportSource preact */
import type { ShipmentStory } from "./story";

/**
 * One parcel's story in Polaris web components: the headline (the estimate, when there is one) and reason, the
 * attention while a case is open (else what happened and what comes next), the estimate, progress, latest events.
 */
export function StoryView({ story }: { story: ShipmentStory }) {
  return (
    <s-stack direction="block" gap="small-200">
      {story.position && <s-text color="subdued">{story.position}</s-text>}
      <s-stack direction="inline" gap="small-200" alignItems="center">
        <s-heading>{story.headline}</s-heading>
        {story.reason && <s-badge tone={story.tone === "critical" ? "critical" : "neutral"}>{story.reason}</s-badge>}
      </s-stack>
      {story.attention && <s-banner tone="warning">{story.attention}</s-banner>}
      {story.explanation && <s-paragraph>{story.explanation}</s-paragraph>}
      {story.next && <s-paragraph color="subdued">{story.next}</s-paragraph>}
      {story.when && <s-text type="strong">{story.when}</s-text>}
      <s-progress value={story.progress.value} tone={story.progress.critical ? "critical" : "auto"} accessibilityLabel={story.progress.label} />
      <s-text color="subdued">{story.progress.label}</s-text>
      {story.recent.length > 0 && (
        <s-ordered-list>
          {story.recent.map((event) => (
            <s-list-item key={event.key}>
              <s-stack direction="block">
                <s-text>{event.text}</s-text>
                <s-text color="subdued" type="small">
                  {event.place ? `${event.at} · ${event.place}` : event.at}
                </s-text>
              </s-stack>
            </s-list-item>
          ))}
        </s-ordered-list>
      )}
      {story.earlier && <s-text color="subdued">{story.earlier}</s-text>}
      <s-stack direction="inline" gap="small-200" alignItems="center">
        {story.trackingNumber && <s-text color="subdued">{`${story.carrier} · ${story.trackingNumber}`}</s-text>}
        {story.trackingUrl && (
          <s-link href={story.trackingUrl} target="_blank">
            {story.trackingLabel}
          </s-link>
        )}
      </s-stack>
    </s-stack>
  );
}
