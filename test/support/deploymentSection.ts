/** The smallest `deployment_config` section declaring one environment, for test specs written inline. */
export function deploymentSection(database: string, environment = 'dev'): string {
  return `deployment_config:
  source_control: github
  repository: schemas
  environments:
    - { name: ${environment}, database: ${database} }
`;
}
