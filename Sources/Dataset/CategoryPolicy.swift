import Spec

/// How categorical columns are encoded by their number of levels: one-hot up to a small number
/// of levels, above it a learned embedding whose rare levels share one "other" level. The three
/// thresholds are `advisor:` keys (`AdvisorSettings`), so the user can override them.
///
/// - ENC-ONEHOT-MAX: at most `oneHotMaxLevels` training levels (default 16): one-hot. Above it
///   a one-hot block grows with the levels (Ni 8,536 on a flights sample) while an embedding
///   stays small (Guo & Berkhahn 2016). fastai embeds every categorical; pytabkit's RealMLP
///   one-hot encodes up to 8 levels and embeds above; 16 keeps every column of the bundled
///   datasets (at most 3 levels) and the usual small codes (weekdays, months, US regions)
///   one-hot.
/// - ENC-RARE-OTHER: levels on fewer than `rareLevelMinimumCount` training rows (default 10)
///   share the "other" level, which also takes levels unseen in training: a row of the table
///   trained on a handful of rows is mostly its random start.
/// - ENC-EMBED-SIZE: the dimension `FeatureEncoding.embeddingDimension(levels:maximum:)`,
///   at most `embeddingMaxDimension` (default 600, fastai's cap).
public struct CategoryPolicy: Sendable, Equatable, Codable {
    /// ENC-ONEHOT-MAX: the most levels a one-hot encoded category has.
    public var oneHotMaxLevels: Int
    /// ENC-RARE-OTHER: training rows a level of an embedded category needs to keep its own row.
    public var rareLevelMinimumCount: Int
    /// ENC-EMBED-SIZE: the largest embedding dimension.
    public var embeddingMaxDimension: Int

    /// A policy; the defaults are the rulebook's (`AdvisorSettings()`).
    public init(
        oneHotMaxLevels: Int = AdvisorSettings().oneHotMaxLevels,
        rareLevelMinimumCount: Int = AdvisorSettings().rareLevelMinimumCount,
        embeddingMaxDimension: Int = AdvisorSettings().embeddingMaxDimension
    ) {
        self.oneHotMaxLevels = oneHotMaxLevels
        self.rareLevelMinimumCount = rareLevelMinimumCount
        self.embeddingMaxDimension = embeddingMaxDimension
    }

    /// The policy of a spec's `advisor:` section.
    public init(settings: AdvisorSettings) {
        self.init(
            oneHotMaxLevels: settings.oneHotMaxLevels,
            rareLevelMinimumCount: settings.rareLevelMinimumCount,
            embeddingMaxDimension: settings.embeddingMaxDimension)
    }
}
