//! `Module` for the fusion network's containers without a level of their own in the record
//! keys. burn's derive adds every field's name and every enum variant's name to the path of
//! the parameters below it; the bundles written before the variants became types keep their
//! parameters at `graph.*`, `graph_proj.*`, `text.*` or `frozen_text.*`, `text_proj.*`,
//! `cross.*`, `matmmfuse.*`, `late_text_head.*`, `late_logits` and `head.*`. These containers
//! pass their parts straight through, as burn's own `Option<M>` does, so those keys stay.

/// `Module` for an enum whose every variant holds one module: the variant adds no key level.
macro_rules! transparent_enum_module {
    ($name:ident { $($variant:ident),+ $(,)? }) => {
        impl burn::module::Module for $name {
            fn collect_devices(&self, devices: Vec<burn::tensor::Device>) -> Vec<burn::tensor::Device> {
                match self {
                    $(Self::$variant(part) => burn::module::Module::collect_devices(part, devices),)+
                }
            }

            fn fork(self, device: &burn::tensor::Device) -> Self {
                match self {
                    $(Self::$variant(part) => Self::$variant(burn::module::Module::fork(part, device)),)+
                }
            }

            fn to_device(self, device: &burn::tensor::Device) -> Self {
                match self {
                    $(Self::$variant(part) => Self::$variant(burn::module::Module::to_device(part, device)),)+
                }
            }

            fn train(self) -> Self {
                match self {
                    $(Self::$variant(part) => Self::$variant(burn::module::Module::train(part)),)+
                }
            }

            fn valid(&self) -> Self {
                match self {
                    $(Self::$variant(part) => Self::$variant(burn::module::Module::valid(part)),)+
                }
            }

            fn materialize(self) -> Self {
                match self {
                    $(Self::$variant(part) => Self::$variant(burn::module::Module::materialize(part)),)+
                }
            }

            fn num_params(&self) -> usize {
                match self {
                    $(Self::$variant(part) => burn::module::Module::num_params(part),)+
                }
            }

            fn visit<Visitor: burn::module::ModuleVisitor>(&self, visitor: &mut Visitor) {
                match self {
                    $(Self::$variant(part) => burn::module::Module::visit(part, visitor),)+
                }
            }

            fn map<Mapper: burn::module::ModuleMapper>(self, mapper: &mut Mapper) -> Self {
                match self {
                    $(Self::$variant(part) => Self::$variant(burn::module::Module::map(part, mapper)),)+
                }
            }
        }
    };
}

/// `Module` for a struct whose `inline` fields add no key level (their own fields appear at
/// this struct's level) and whose `named` fields add their name, as the derive does.
macro_rules! flat_struct_module {
    ($name:ident { inline: [$($inline:ident),+], named: [$($named:ident),+] $(,)? }) => {
        impl burn::module::Module for $name {
            fn collect_devices(&self, devices: Vec<burn::tensor::Device>) -> Vec<burn::tensor::Device> {
                $(let devices = burn::module::Module::collect_devices(&self.$inline, devices);)+
                $(let devices = burn::module::Module::collect_devices(&self.$named, devices);)+
                devices
            }

            fn fork(self, device: &burn::tensor::Device) -> Self {
                Self {
                    $($inline: burn::module::Module::fork(self.$inline, device),)+
                    $($named: burn::module::Module::fork(self.$named, device),)+
                }
            }

            fn to_device(self, device: &burn::tensor::Device) -> Self {
                Self {
                    $($inline: burn::module::Module::to_device(self.$inline, device),)+
                    $($named: burn::module::Module::to_device(self.$named, device),)+
                }
            }

            fn train(self) -> Self {
                Self {
                    $($inline: burn::module::Module::train(self.$inline),)+
                    $($named: burn::module::Module::train(self.$named),)+
                }
            }

            fn valid(&self) -> Self {
                Self {
                    $($inline: burn::module::Module::valid(&self.$inline),)+
                    $($named: burn::module::Module::valid(&self.$named),)+
                }
            }

            fn materialize(self) -> Self {
                Self {
                    $($inline: burn::module::Module::materialize(self.$inline),)+
                    $($named: burn::module::Module::materialize(self.$named),)+
                }
            }

            fn num_params(&self) -> usize {
                0 $(+ burn::module::Module::num_params(&self.$inline))+
                    $(+ burn::module::Module::num_params(&self.$named))+
            }

            fn visit<Visitor: burn::module::ModuleVisitor>(&self, visitor: &mut Visitor) {
                $(burn::module::Module::visit(&self.$inline, visitor);)+
                $(
                    visitor.enter_module(stringify!($named), concat!("Struct:", stringify!($name)));
                    burn::module::Module::visit(&self.$named, visitor);
                    visitor.exit_module(stringify!($named), concat!("Struct:", stringify!($name)));
                )+
            }

            fn map<Mapper: burn::module::ModuleMapper>(self, mapper: &mut Mapper) -> Self {
                $(let $inline = burn::module::Module::map(self.$inline, mapper);)+
                $(
                    mapper.enter_module(stringify!($named), concat!("Struct:", stringify!($name)));
                    let $named = burn::module::Module::map(self.$named, mapper);
                    mapper.exit_module(stringify!($named), concat!("Struct:", stringify!($name)));
                )+
                Self { $($inline,)+ $($named,)+ }
            }
        }
    };
}

pub(super) use {flat_struct_module, transparent_enum_module};
