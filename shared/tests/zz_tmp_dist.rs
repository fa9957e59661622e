use shared::describe::{DescribeOptions, environment, geometry};
use shared::symmetry::analyze;
#[test]
fn dist() {
    let mut reader = csv::Reader::from_path("/work/shared/data/text_examples/matmmfuse_300.csv").unwrap();
    let mut devs = Vec::new();
    for r in reader.records() {
        let r = r.unwrap();
        let s = shared::io::parse(&r[3]).unwrap();
        let sym = analyze(&s, 0.01).unwrap();
        let b = environment::bonds(&s, &DescribeOptions::default());
        for i in sym.inequivalent_sites() {
            let c = s.lattice().to_cartesian(s.sites()[i].wrapped_frac());
            let v: Vec<_> = b[i].iter().map(|x| { let f = s.sites()[x.j].wrapped_frac(); let p = s.lattice().to_cartesian([f[0]+x.image[0] as f64, f[1]+x.image[1] as f64, f[2]+x.image[2] as f64]); [p[0]-c[0],p[1]-c[1],p[2]-c[2]] }).collect();
            if v.len() < 2 { continue }
            let l: Vec<f64> = v.iter().map(|p| (p[0]*p[0]+p[1]*p[1]+p[2]*p[2]).sqrt()).collect();
            let m = l.iter().sum::<f64>() / l.len() as f64;
            let sd = (l.iter().map(|x| (x-m)*(x-m)).sum::<f64>() / l.len() as f64).sqrt() / m;
            let g = geometry::classify(&v);
            devs.push((g.map(|g| g.deviation), sd, v.len()));
        }
    }
    let n = devs.len() as f64;
    for max in [0.15, 0.2, 0.25, 0.3] { println!("named at max {max}: {:.3}", devs.iter().filter(|d| d.0.is_some_and(|x| x <= max)).count() as f64 / n); }
    for (a, r) in [(0.13, 0.08), (0.15, 0.1), (0.17, 0.1), (0.15, 0.12), (0.2, 0.12)] {
        let named: Vec<_> = devs.iter().filter(|d| d.0.is_some()).collect();
        println!("distorted at ang {a} rad {r}: {:.3} of all sites", named.iter().filter(|d| d.0.unwrap() > a || d.1 > r).count() as f64 / n);
    }
}
