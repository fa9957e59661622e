//! English helpers: numbers and ordinals in words, articles, lists.

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// "one", "twelve", "seventy-two", "one hundred and twenty"; digits from 1000 on.
pub fn number(n: usize) -> String {
    match n {
        0..20 => ONES[n].to_string(),
        20..100 => match n % 10 {
            0 => TENS[n / 10].to_string(),
            r => format!("{}-{}", TENS[n / 10], ONES[r]),
        },
        100..1000 => match n % 100 {
            0 => format!("{} hundred", ONES[n / 100]),
            r => format!("{} hundred and {}", ONES[n / 100], number(r)),
        },
        _ => n.to_string(),
    }
}

/// "first", "twelfth", "seventy-second", "one hundred and first".
pub fn ordinal(n: usize) -> String {
    let cardinal = number(n);
    if n >= 1000 {
        let suffix = match (n % 10, n % 100) {
            (_, 11..=13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        return format!("{n}{suffix}");
    }
    let (head, last) = match cardinal.rfind([' ', '-']) {
        Some(p) => cardinal.split_at(p + 1),
        None => ("", cardinal.as_str()),
    };
    let last = match last {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        w if w.ends_with('y') => format!("{}ieth", &w[..w.len() - 1]),
        w => format!("{w}th"),
    };
    format!("{head}{last}")
}

/// "a" or "an" for a phrase, by its sound: "an octahedral", "an 8-coordinate", "a 4-coordinate".
pub fn article(phrase: &str) -> &'static str {
    let digits: String = phrase.chars().take_while(char::is_ascii_digit).collect();
    let vowel_sound = if digits.is_empty() {
        phrase.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U'])
    } else {
        digits.starts_with('8') || digits == "11" || digits == "18"
    };
    if vowel_sound { "an" } else { "a" }
}

/// "a", "a and b", "a, b, and c".
pub fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_ordinals() {
        let cases = [
            (1, "one", "first"),
            (2, "two", "second"),
            (8, "eight", "eighth"),
            (12, "twelve", "twelfth"),
            (20, "twenty", "twentieth"),
            (21, "twenty-one", "twenty-first"),
            (40, "forty", "fortieth"),
            (72, "seventy-two", "seventy-second"),
            (100, "one hundred", "one hundredth"),
            (101, "one hundred and one", "one hundred and first"),
            (1003, "1003", "1003rd"),
        ];
        for (n, c, o) in cases {
            assert_eq!((number(n).as_str(), ordinal(n).as_str()), (c, o));
        }
    }

    #[test]
    fn articles_and_lists() {
        assert_eq!(article("octahedral"), "an");
        assert_eq!(article("8-coordinate"), "an");
        assert_eq!(article("11-coordinate"), "an");
        assert_eq!(article("4-coordinate"), "a");
        assert_eq!(article("trigonal planar"), "a");
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join(&v(&["a", "b", "c"])), "a, b, and c");
        assert_eq!(join(&v(&["a", "b"])), "a and b");
    }
}
