import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import type { SectionDefinition } from '../compiler/SectionDefinition.ts';
import type { ProceduresSection } from '../compiler/sections/procedures/ProceduresSection.ts';
import type { JsonObject } from './Plan.ts';
import type { PlanContext } from './PlanContext.ts';
import type { StepCatalog } from './StepCatalog.ts';

/**
 * What the planner asks of the registered capabilities (the plugin registry implements it): their steps, their
 * spec sections, the settings they offer procedures, their step defaults and the procedures they ship.
 */
export interface CapabilityCatalog extends StepCatalog {
  sections(): SectionDefinition[];
  planContext(spec: CompiledSpec, environment: string): PlanContext;
  stepDefaults(spec: CompiledSpec, environment: string): Readonly<Record<string, JsonObject | undefined>>;
  procedures(): ProceduresSection;
  sectionProcedures(spec: CompiledSpec): ProceduresSection;
}
