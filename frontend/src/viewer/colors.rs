//! Element colours (Jmol's CPK scheme, the one most crystallography viewers use) and the
//! attribution ramp.

/// Jmol colours by atomic number − 1, as 0xRRGGBB.
const JMOL: [u32; 103] = [
    0xFFFFFF, 0xD9FFFF, 0xCC80FF, 0xC2FF00, 0xFFB5B5, 0x909090, 0x3050F8, 0xFF0D0D, 0x90E050, 0xB3E3F5, // H–Ne
    0xAB5CF2, 0x8AFF00, 0xBFA6A6, 0xF0C8A0, 0xFF8000, 0xFFFF30, 0x1FF01F, 0x80D1E3, 0x8F40D4, 0x3DFF00, // Na–Ca
    0xE6E6E6, 0xBFC2C7, 0xA6A6AB, 0x8A99C7, 0x9C7AC7, 0xE06633, 0xF090A0, 0x50D050, 0xC88033, 0x7D80B0, // Sc–Zn
    0xC28F8F, 0x668F8F, 0xBD80E3, 0xFFA100, 0xA62929, 0x5CB8D1, 0x702EB0, 0x00FF00, 0x94FFFF, 0x94E0E0, // Ga–Zr
    0x73C2C9, 0x54B5B5, 0x3B9E9E, 0x248F8F, 0x0A7D8C, 0x006985, 0xC0C0C0, 0xFFD98F, 0xA67573, 0x668080, // Nb–Sn
    0x9E63B5, 0xD47A00, 0x940094, 0x429EB0, 0x57178F, 0x00C900, 0x70D4FF, 0xFFFFC7, 0xD9FFC7, 0xC7FFC7, // Sb–Nd
    0xA3FFC7, 0x8FFFC7, 0x61FFC7, 0x45FFC7, 0x30FFC7, 0x1FFFC7, 0x00FF9C, 0x00E675, 0x00D452, 0x00BF38, // Pm–Yb
    0x00AB24, 0x4DC2FF, 0x4DA6FF, 0x2194D6, 0x267DAB, 0x266696, 0x175487, 0xD0D0E0, 0xFFD123, 0xB8B8D0, // Lu–Hg
    0xA6544D, 0x575961, 0x9E4FB5, 0xAB5C00, 0x754F45, 0x428296, 0x420066, 0x007D00, 0x70ABFA, 0x00BAFF, // Tl–Th
    0x00A1FF, 0x008FFF, 0x0080FF, 0x006BFF, 0x545CF2, 0x785CE3, 0x8A4FE3, 0xA136D4, 0xB31FD4, 0xB31FBA, // Pa–Fm
    0xB30DA6, 0xBD0D87, 0xC70066, // Md–Lr
];

/// An RGB colour with components in 0–1.
pub type Rgb = [f32; 3];

fn rgb(hex: u32) -> Rgb {
    [((hex >> 16) & 0xFF) as f32 / 255.0, ((hex >> 8) & 0xFF) as f32 / 255.0, (hex & 0xFF) as f32 / 255.0]
}

/// The colour of element `z` (grey for anything outside 1–103).
pub fn element(z: u8) -> Rgb {
    JMOL.get(usize::from(z).wrapping_sub(1)).map_or([0.6, 0.6, 0.6], |&hex| rgb(hex))
}

/// CSS form of [`element`] for legends.
pub fn element_css(z: u8) -> String {
    let [r, g, b] = element(z).map(|c| (c * 255.0).round() as u8);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Stops of the attribution ramp, low to high: viridis at nine even steps (matplotlib's values).
/// Its lightness rises steadily from dark purple to yellow, so it reads the same to readers with
/// any colour-vision deficiency and in greyscale (OrRd, used before, rests on red-green hue).
const RAMP: [u32; 9] = [0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21908C, 0x27AD81, 0x5DC863, 0xAADC32, 0xFDE725];

/// The ramp colour of `t` in 0–1 (clamped), linearly interpolated between stops.
pub fn attribution(t: f64) -> Rgb {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let x = t * (RAMP.len() - 1) as f64;
    let i = (x.floor() as usize).min(RAMP.len() - 2);
    let f = (x - i as f64) as f32;
    let (a, b) = (rgb(RAMP[i]), rgb(RAMP[i + 1]));
    [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]
}

/// CSS gradient of the ramp for the legend.
pub fn attribution_css() -> String {
    let stops: Vec<String> = RAMP.iter().map(|c| format!("#{c:06x}")).collect();
    format!("linear-gradient(to right, {})", stops.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_element_colours() {
        assert_eq!(element_css(8), "#ff0d0d"); // O
        assert_eq!(element_css(26), "#e06633"); // Fe
        assert_eq!(element_css(103), "#c70066"); // Lr
        assert_eq!(element(0), [0.6, 0.6, 0.6]);
    }

    /// CIE L* (0 black – 100 white) of an sRGB colour.
    fn lightness([r, g, b]: Rgb) -> f64 {
        let linear = |c: f32| {
            let c = f64::from(c);
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        let y = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
        if y > 216.0 / 24389.0 { 116.0 * y.cbrt() - 16.0 } else { y * 24389.0 / 27.0 }
    }

    #[test]
    fn ramp_ends_and_clamps() {
        assert_eq!(attribution(0.0), rgb(0x440154)); // viridis' dark purple
        assert_eq!(attribution(1.0), rgb(0xFDE725)); // viridis' yellow
        assert_eq!(attribution(7.0), rgb(0xFDE725));
        assert_eq!(attribution(f64::NAN), rgb(0x440154));
        assert_eq!(attribution_css().matches('#').count(), RAMP.len());
    }

    #[test]
    fn ramp_lightness_rises_monotonically() {
        let samples: Vec<f64> = (0..=200).map(|i| lightness(attribution(f64::from(i) / 200.0))).collect();
        assert!(samples.windows(2).all(|w| w[1] > w[0]), "lightness not strictly rising: {samples:?}");
        // Dark to light across most of the scale, so greyscale alone tells low from high.
        assert!(samples[0] < 20.0 && samples[200] > 85.0, "{} → {}", samples[0], samples[200]);
    }
}
